// Command mkcsar builds a VNF package zip from a source directory, for
// scripts that drive the servers with real packages:
//
//	go run ./internal/catalog/csartest/mkcsar SRC_DIR OUT.zip
package main

import (
	"fmt"
	"os"

	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: mkcsar SRC_DIR OUT.zip")
		os.Exit(2)
	}
	if err := csartest.BuildFile(os.Args[1], os.Args[2], csartest.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, "mkcsar:", err)
		os.Exit(1)
	}
}
