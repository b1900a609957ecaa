package vnfpkgm

import (
	"archive/zip"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/cadenza-mano/cadenza/internal/catalog"
	"github.com/cadenza-mano/cadenza/internal/catalog/csar"
	"github.com/cadenza-mano/cadenza/internal/store"
	"github.com/cadenza-mano/cadenza/sol/sol013"
)

func init() {
	sol013.RegisterClassifier(func(err error) (int, string) {
		switch {
		case errors.Is(err, catalog.ErrTooLarge):
			return http.StatusRequestEntityTooLarge, err.Error()
		case errors.Is(err, catalog.ErrInvalidPackage), errors.Is(err, catalog.ErrInvalidSource), csar.KindOf(err) != "":
			return http.StatusBadRequest, err.Error()
		}
		return 0, ""
	})
}

// uploadContent stores a package's zip, sent raw (application/zip) or as
// the file of a multipart/form-data body, and onboards it. It answers 202
// once the bytes are stored; how onboarding ended shows in the package's
// onboardingState.
func (s *Server) uploadContent(c *gin.Context) (any, error) {
	body, err := uploadBody(c)
	if err != nil {
		return nil, err
	}
	if err := s.catalog.Upload(c.Request.Context(), c.Param("id"), body); err != nil {
		return nil, err
	}
	return sol013.Accepted(""), nil
}

// uploadFromURI schedules the download of a package's zip; 202 once the
// request is recorded, the outcome shows in onboardingState.
func (s *Server) uploadFromURI(c *gin.Context) (any, error) {
	var req UploadVnfPkgFromUriRequest
	if err := sol013.BindJSON(c, &req); err != nil {
		return nil, err
	}
	src := catalog.Source{URI: req.AddressInformation, Username: req.UserName, Password: req.Password}
	if err := s.catalog.UploadFromURI(c.Request.Context(), c.Param("id"), src); err != nil {
		return nil, err
	}
	return sol013.Accepted(""), nil
}

func uploadBody(c *gin.Context) (io.Reader, error) {
	mt, params, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch mt {
	case sol013.Zip, sol013.Octets:
		return c.Request.Body, nil
	case "multipart/form-data":
		mr := multipart.NewReader(c.Request.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				return nil, sol013.Errorf(http.StatusBadRequest, "multipart body has no file part")
			}
			if part.FileName() != "" || part.FormName() == "file" {
				return part, nil
			}
		}
	}
	return nil, sol013.Errorf(http.StatusUnsupportedMediaType,
		"package content must be application/zip or multipart/form-data, not %q", c.GetHeader("Content-Type"))
}

// getContent serves the package's zip, honouring Range (206, 416).
func (s *Server) getContent(c *gin.Context) (any, error) {
	it, err := s.onboarded(c)
	if err != nil {
		return nil, err
	}
	return nil, serveFile(c, s.catalog.ZipPath(it.ID), sol013.Zip)
}

// getVNFD serves the VNFD: as text/plain when it is one file and the client
// accepts that, else as a zip of its files and TOSCA.meta.
func (s *Server) getVNFD(c *gin.Context) (any, error) {
	it, err := s.onboarded(c)
	if err != nil {
		return nil, err
	}
	p := it.Doc
	accept := c.GetHeader("Accept")
	if accept == "" {
		accept = "*/*"
	}
	single := len(p.VNFDFiles) == 1
	switch {
	case single && sol013.Acceptable(accept, sol013.PlainText) != "":
		return nil, serveFile(c, s.contentPath(p.ID, p.Entry), sol013.PlainText)
	case sol013.Acceptable(accept, sol013.Zip) != "":
		files := append([]string{"TOSCA-Metadata/TOSCA.meta"}, p.VNFDFiles...)
		return nil, s.serveZip(c, p.ID, files)
	case !single:
		return nil, sol013.Errorf(http.StatusNotAcceptable,
			"the VNFD has %d files; it can only be sent as application/zip", len(p.VNFDFiles))
	}
	return nil, sol013.Errorf(http.StatusNotAcceptable, "the VNFD is sent as text/plain or application/zip")
}

// getManifest serves the manifest; with include_signatures and a package
// certificate, a zip of both.
func (s *Server) getManifest(c *gin.Context) (any, error) {
	it, err := s.onboarded(c)
	if err != nil {
		return nil, err
	}
	p := it.Doc
	if p.ManifestPath == "" {
		return nil, sol013.Errorf(http.StatusNotFound, "package %s has no manifest", p.ID)
	}
	if _, sigs := c.GetQuery("include_signatures"); sigs && p.CertificatePath != "" {
		return nil, s.serveZip(c, p.ID, []string{p.ManifestPath, p.CertificatePath})
	}
	return nil, serveFile(c, s.contentPath(p.ID, p.ManifestPath), sol013.PlainText)
}

// getArtifact serves one file of the package, honouring Range.
func (s *Server) getArtifact(c *gin.Context) (any, error) {
	it, err := s.onboarded(c)
	if err != nil {
		return nil, err
	}
	name := strings.TrimPrefix(c.Param("path"), "/")
	content, err := csar.OpenContent(s.catalog.ContentDir(it.ID))
	if err != nil {
		return nil, err
	}
	defer content.Close()
	f, err := content.Open(name)
	if err != nil {
		return nil, sol013.Wrapf(err, http.StatusNotFound, "package %s has no artifact %q", it.ID, name)
	}
	defer f.Close()
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = sol013.Octets
	}
	// An artifact is whatever the vendor put in the package; clients
	// (python-tackerclient among them) ask for it with any Accept, even
	// application/json, so its type is not negotiated.
	return nil, serveBytes(c, f, ct)
}

// onboarded resolves the package of the request, by id (SOL 005) or by
// vnfdId (SOL 003's onboarded_vnf_packages), and requires it ONBOARDED.
func (s *Server) onboarded(c *gin.Context) (store.Item[catalog.Package], error) {
	if vnfdID := c.Param("vnfdId"); vnfdID != "" {
		return s.catalog.ByVNFDID(c.Request.Context(), vnfdID)
	}
	return s.catalog.Onboarded(c.Request.Context(), c.Param("id"))
}

func (s *Server) contentPath(id, name string) string {
	return s.catalog.ContentDir(id) + "/" + name
}

func serveFile(c *gin.Context, name, contentType string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return serveOpen(c, f, contentType)
}

// serveOpen answers with f's bytes if the Accept header admits
// contentType.
func serveOpen(c *gin.Context, f *os.File, contentType string) error {
	if a := c.GetHeader("Accept"); a != "" && sol013.Acceptable(a, contentType) == "" {
		return sol013.Errorf(http.StatusNotAcceptable, "this resource is %s; Accept %q does not admit it", contentType, a)
	}
	return serveBytes(c, f, contentType)
}

// serveBytes answers with f's bytes; http.ServeContent does Range, 206 and
// 416.
func serveBytes(c *gin.Context, f *os.File, contentType string) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	c.Header("Content-Type", contentType)
	http.ServeContent(c.Writer, c.Request, "", st.ModTime(), f)
	return nil
}

// serveZip streams a zip of the named package files that exist.
func (s *Server) serveZip(c *gin.Context, id string, names []string) error {
	content, err := csar.OpenContent(s.catalog.ContentDir(id))
	if err != nil {
		return err
	}
	defer content.Close()
	c.Header("Content-Type", sol013.Zip)
	c.Status(http.StatusOK)
	zw := zip.NewWriter(c.Writer)
	for _, n := range names {
		if err := addToZip(c.Request.Context(), zw, content, n); err != nil {
			return err
		}
	}
	return zw.Close()
}

func addToZip(ctx context.Context, zw *zip.Writer, content *csar.Content, name string) error {
	f, err := content.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := zw.Create(name)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = io.Copy(w, f)
	return err
}
