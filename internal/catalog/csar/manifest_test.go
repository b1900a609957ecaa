package csar

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseManifestFull(t *testing.T) {
	t.Parallel()
	m, err := parseManifest("vnf.mf", readTestdata(t, "manifest/full.mf"))
	if err != nil {
		t.Fatalf("parseManifest: %v", err)
	}
	md := m.Metadata
	if md.VNFProviderID != "Company" || md.VNFProductName != "Sample VNF" || md.VNFPackageVersion != "1.0" ||
		md.VNFReleaseDateTime != "2026-11-20T10:00:00+00:00" || md.VNFDID != "b1bb0ce7-ebca-4fa7-95ed-4840d70a1177" {
		t.Errorf("metadata = %+v", md)
	}
	if !reflect.DeepEqual(md.CompatibleSpecificationVersions, []string{"2.6.1", "2.7.1"}) {
		t.Errorf("compatible versions = %v", md.CompatibleSpecificationVersions)
	}
	want := []ManifestEntry{
		{Source: "Definitions/vnfd_top.yaml", Algorithm: SHA256, Hash: "09e5a788acb180162c51679ae4c998039fa6644505db2415e35107d1ee213943"},
		{Source: "Files/images/vm.qcow2", Algorithm: SHA512, Hash: strings.ToLower("CF83E1357EEFB8BDF1542850D66D8007D620E4050B5715DC83F4A921D36CE9CE47D0D13C5D85F2B0FF8318D2877EEC2F63B931BD47417A81A538327AF927DA3E"),
			Signature: "Files/images/vm.qcow2.sig.cms", Certificate: "Files/images/signer.cert"},
		{Source: "https://images.example.com/vm.qcow2", External: true},
	}
	if !reflect.DeepEqual(m.Sources, want) {
		t.Errorf("Sources = %+v\nwant %+v", m.Sources, want)
	}
	sets := map[string][]string{
		"prv.happy-nfv.onap":  {"Files/onap/onap.yaml", "Files/onap/onap2.yaml"},
		"prv.happy-nfv.opnfv": {"Files/opnfv/a.yaml"},
	}
	if !reflect.DeepEqual(m.NonMANOArtifactSets, sets) {
		t.Errorf("non-MANO sets = %v", m.NonMANOArtifactSets)
	}
	if m.Signature != nil || m.SignedContent != nil {
		t.Errorf("unsigned manifest has a signature")
	}
}

func TestParseManifestCRLFAndSignature(t *testing.T) {
	t.Parallel()
	m, err := parseManifest("a.mf", readTestdata(t, "manifest/crlf.mf"))
	if err != nil || len(m.Sources) != 1 || m.Sources[0].Algorithm != SHA384 || m.Metadata.VNFProductName != "P" {
		t.Fatalf("CRLF manifest = %+v, %v", m, err)
	}
	data := readTestdata(t, "manifest/signed.mf")
	m, err = parseManifest("s.mf", data)
	if err != nil {
		t.Fatalf("signed manifest: %v", err)
	}
	cut := strings.Index(string(data), "-----BEGIN CMS-----")
	if string(m.SignedContent) != string(data[:cut]) || string(m.Signature) != "\x30\x03\x02\x01\x01" {
		t.Errorf("SignedContent/Signature split wrong: %q / %x", m.SignedContent, m.Signature)
	}
}

func TestParseManifestErrors(t *testing.T) {
	t.Parallel()
	const sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	tests := []struct {
		name string
		text string
		kind Kind
		want string
	}{
		{name: "no hash", text: "Source: a\nAlgorithm: SHA-256\n", kind: KindManifest, want: "lacks Algorithm or Hash"},
		{name: "short hash", text: "Source: a\nAlgorithm: SHA-256\nHash: abcd\n", kind: KindManifest, want: "not a SHA-256 digest"},
		{name: "non-hex hash", text: "Source: a\nAlgorithm: SHA-256\nHash: " + strings.Repeat("z", 64) + "\n", kind: KindManifest, want: "not a SHA-256"},
		{name: "unknown algorithm", text: "Source: a\nAlgorithm: MD5\nHash: x\n", kind: KindManifest, want: "unsupported algorithm"},
		{name: "duplicate source", text: "Source: a\nAlgorithm: SHA-256\nHash: " + sha + "\nSource: a\nAlgorithm: SHA-256\nHash: " + sha + "\n", kind: KindManifest, want: "more than once"},
		{name: "repeated hash", text: "Source: a\nAlgorithm: SHA-256\nHash: " + sha + "\nHash: " + sha + "\n", kind: KindManifest, want: "repeated"},
		{name: "traversal", text: "Source: ../../etc/passwd\n", kind: KindUnsafePath, want: "line 1"},
		{name: "absolute", text: "Source: /etc/passwd\n", kind: KindUnsafePath},
		{name: "signature path escapes", text: "Source: a\nSignature: ../x\n", kind: KindUnsafePath},
		{name: "algorithm without source", text: "Algorithm: SHA-256\n", kind: KindManifest, want: "unexpected key"},
		{name: "metadata twice", text: "metadata:\n  a: b\nmetadata:\n", kind: KindManifest, want: "repeated"},
		{name: "metadata key twice", text: "metadata:\n  a: b\n  a: c\n", kind: KindManifest, want: "repeated"},
		{name: "garbage line", text: "hello world\n", kind: KindManifest, want: "Key: value"},
		{name: "text after CMS", text: "-----BEGIN CMS-----\nMAA=\n-----END CMS-----\ntrailing\n", kind: KindManifest, want: "follows"},
		{name: "unterminated CMS", text: "-----BEGIN CMS-----\nMAA=\n", kind: KindManifest, want: "malformed"},
		{name: "END without BEGIN", text: "-----END CMS-----\n", kind: KindManifest},
		{name: "non-MANO source outside set", text: "non_mano_artifact_sets:\n  Source: a\n", kind: KindManifest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseManifest("x.mf", []byte(tt.text))
			if KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want kind %s containing %q", err, tt.kind, tt.want)
			}
		})
	}
}

func TestParseMeta(t *testing.T) {
	t.Parallel()
	m, err := parseMeta(readTestdata(t, "meta/full.meta"))
	if err != nil {
		t.Fatalf("parseMeta: %v", err)
	}
	if m.FileVersion != "1.0" || m.CSARVersion != "1.1" || m.CreatedBy != "Company" ||
		m.EntryDefinitions != "Definitions/vnfd_top.yaml" || m.EntryManifest != "vnf.mf" ||
		m.EntryChangeLog != "ChangeLog.txt" || m.EntryLicenses != "Licenses" ||
		m.EntryCertificate != "Files/Certificates/package.cert" {
		t.Errorf("Meta = %+v", m)
	}
	if !reflect.DeepEqual(m.OtherDefinitions, []string{"Definitions/a.yaml", "Definitions/b.yaml"}) {
		t.Errorf("OtherDefinitions = %v", m.OtherDefinitions)
	}
	if len(m.Blocks) != 1 || m.Blocks[0]["Name"] != "Files/images/vm.qcow2" {
		t.Errorf("Blocks = %v", m.Blocks)
	}
}

func TestParseMetaErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		kind Kind
	}{
		{name: "empty", text: "\n\n", kind: KindStructure},
		{name: "missing keys", text: "TOSCA-Meta-File-Version: 1.0\n", kind: KindStructure},
		{name: "no colon", text: "TOSCA-Meta-File-Version 1.0\n", kind: KindManifest},
		{name: "repeated key", text: "CSAR-Version: 1.1\nCSAR-Version: 1.1\n", kind: KindManifest},
		{name: "orphan continuation", text: "  continued\n", kind: KindManifest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := parseMeta([]byte(tt.text)); KindOf(err) != tt.kind {
				t.Errorf("error = %v, want kind %s", err, tt.kind)
			}
		})
	}
}

// SOL 004's example manifest writes its metadata keys without indentation.
func TestParseManifestUnindentedMetadata(t *testing.T) {
	t.Parallel()
	text := "metadata:\nvnf_provider_id: Acme\nvnf_product_name: vMRF\nvnf_package_version: 1.0\n" +
		"vnf_release_date_time: 2017-09-15T15:00:00+03:00\n\nSource: a.yaml\nAlgorithm: SHA-256\nHash: " +
		strings.Repeat("ab", 32) + "\n"
	m, err := parseManifest("u.mf", []byte(text))
	if err != nil || m.Metadata.VNFProviderID != "Acme" || m.Metadata.VNFProductName != "vMRF" || len(m.Sources) != 1 {
		t.Fatalf("unindented metadata: %+v, %v", m, err)
	}
	if _, err := parseManifest("u.mf", []byte("vnf_provider_id: Acme\n")); err == nil {
		t.Fatal("a metadata key outside any block was accepted")
	}
}
