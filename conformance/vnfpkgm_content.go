package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cadenza-mano/cadenza/conformance/check"
	"github.com/cadenza-mano/cadenza/internal/catalog/csartest"
)

// settlePoll is how often a package whose onboarding runs is read again.
const settlePoll = 50 * time.Millisecond

// Media types of package content.
const (
	zipType   = "application/zip"
	plainText = "text/plain"
)

// onboarded is a package the run uploaded and saw ONBOARDED.
type onboarded struct {
	built builtPkg
	info  pkgInfo
}

// artifact is the path of the package's first additional artifact.
func (o onboarded) artifact() (string, error) {
	if len(o.info.AdditionalArtifacts) == 0 {
		return "", fmt.Errorf("onboarded package %s lists no additionalArtifacts", o.info.ID)
	}
	return o.info.AdditionalArtifacts[0].ArtifactPath, nil
}

// roots are the two trees the package's content is read from: SOL 005's
// by package id and SOL 003's by vnfdId.
func (p *vnfpkgm) roots(o onboarded) []string {
	return []string{p.path(o.info.ID), p.prefix() + "/onboarded_vnf_packages/" + url.PathEscape(o.info.VnfdID)}
}

// vmPkg is the VM VNF, whose VNFD has four files, uploaded as a raw zip.
func (p *vnfpkgm) vmPkg(ctx context.Context) (onboarded, error) {
	return p.vm.get(func() (onboarded, error) {
		return p.onboard(ctx, vmSource, "vm", rawZip)
	})
}

// cnfPkg is the CNF whose VNFD is a single file, uploaded as the file of
// a multipart/form-data body.
func (p *vnfpkgm) cnfPkg(ctx context.Context) (onboarded, error) {
	return p.cnf.get(func() (onboarded, error) { return p.onboard(ctx, manifestsSource, "cnf", multipartBody) })
}

// rawZip sends the package as it is, application/zip.
func rawZip(pkg builtPkg) (string, []byte, error) { return zipType, pkg.zip, nil }

// multipartBody wraps the package as a form's file, as browsers and
// python-tackerclient send it.
func multipartBody(pkg builtPkg) (string, []byte, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, err := mw.CreateFormFile("file", "package.zip")
	if err == nil {
		_, err = w.Write(pkg.zip)
	}
	if err == nil {
		err = mw.Close()
	}
	return mw.FormDataContentType(), buf.Bytes(), err
}

// onboard builds the package source src, creates a package tagged set,
// uploads the content as encode sends it and waits for ONBOARDED.
func (p *vnfpkgm) onboard(ctx context.Context, src, set string,
	encode func(builtPkg) (string, []byte, error)) (onboarded, error) {
	built, err := buildPackage(p.srv.cfg.Sources, src, csartest.Options{})
	if err != nil {
		return onboarded{}, err
	}
	return p.onboardBuilt(ctx, built, set, encode)
}

// onboardBuilt creates a package tagged set, uploads built as encode
// sends it and waits for ONBOARDED.
func (p *vnfpkgm) onboardBuilt(ctx context.Context, built builtPkg, set string,
	encode func(builtPkg) (string, []byte, error)) (onboarded, error) {
	pkg, err := p.create(ctx, map[string]any{"set": set})
	if err != nil {
		return onboarded{}, err
	}
	ct, body, err := encode(built)
	if err != nil {
		return onboarded{}, fmt.Errorf("encode upload: %w", err)
	}
	if err := p.upload(ctx, pkg.ID, ct, body); err != nil {
		return onboarded{}, err
	}
	info, err := p.settle(ctx, pkg.ID)
	if err != nil {
		return onboarded{}, err
	}
	if info.OnboardingState != "ONBOARDED" {
		return onboarded{}, fmt.Errorf("package %s (set %s) ended %s: %s", pkg.ID, set, info.OnboardingState, info.OnboardingFailureDetails)
	}
	return onboarded{built: built, info: info}, nil
}

// upload PUTs body as package id's content and expects 202 without a
// body.
func (p *vnfpkgm) upload(ctx context.Context, id, contentType string, body []byte) error {
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodPut, Path: p.path(id) + "/package_content",
		Body: body, ContentType: contentType})
	if err != nil {
		return err
	}
	if err := r.ExpectStatus(http.StatusAccepted); err != nil {
		return err
	}
	if len(r.Body) != 0 {
		return fmt.Errorf("%s: 202 with a body", r)
	}
	return nil
}

// settle reads package id, checking each answer, until its onboarding
// is no longer UPLOADING or PROCESSING.
func (p *vnfpkgm) settle(ctx context.Context, id string) (pkgInfo, error) {
	for {
		pkg, _, err := p.get(ctx, id)
		if err != nil || (pkg.OnboardingState != "UPLOADING" && pkg.OnboardingState != "PROCESSING") {
			return pkg, err
		}
		select {
		case <-ctx.Done():
			return pkg, fmt.Errorf("package %s still %s: %w", id, pkg.OnboardingState, ctx.Err())
		case <-time.After(settlePoll):
		}
	}
}

func (p *vnfpkgm) contentChecks() []check.Check {
	return []check.Check{
		{Name: "PUT package_content (application/zip): 202, onboarding ends ONBOARDED", Run: p.checkOnboardZip},
		{Name: "PUT package_content (multipart/form-data): 202, onboarding ends ONBOARDED", Run: p.checkOnboardMultipart},
		{Name: "ONBOARDED VnfPkgInfo: vnfdId, checksum, softwareImages, additionalArtifacts, _links.vnfd", Run: p.checkOnboardedInfo},
		{Name: "all_fields list of an ONBOARDED package: the same attributes, SOL 005 and SOL 003 schemas", Run: p.checkOnboardedList},
		{Name: "GET package_content: 200 application/zip, the uploaded bytes; Accept JSON: 406 (by id and by vnfdId)", Run: p.onBoth(p.vmPkg, p.checkContent)},
		{Name: "GET package_content with Range: 206 and the bytes; past the end: 416 (by id and by vnfdId)", Run: p.onBoth(p.vmPkg, p.checkContentRange)},
		{Name: "GET vnfd of a four-file VNFD: zip of its files; text/plain: 406 (by id and by vnfdId)", Run: p.onBoth(p.vmPkg, p.checkVNFDZip)},
		{Name: "GET vnfd of a one-file VNFD: text/plain, or zip; application/json: 406 (by id and by vnfdId)", Run: p.onBoth(p.cnfPkg, p.checkVNFDPlain)},
		{Name: "GET manifest: 200 text/plain, the package's manifest; Accept zip: 406 (by id and by vnfdId)", Run: p.onBoth(p.vmPkg, p.checkManifest)},
		{Name: "GET artifacts/{path}: the file; with Range: 206; unknown or ../ path: 404 (by id and by vnfdId)", Run: p.onBoth(p.vmPkg, p.checkArtifact)},
		{Name: "GET onboarded_vnf_packages/{vnfdId}: 200 VnfPkgInfo; unknown vnfdId: 404", Run: p.checkByVNFDID},
	}
}

// onBoth runs read against the package pkg makes, under each of its
// roots.
func (p *vnfpkgm) onBoth(pkg func(context.Context) (onboarded, error),
	read func(context.Context, onboarded, string) error) func(context.Context) error {
	return func(ctx context.Context) error {
		o, err := pkg(ctx)
		if err != nil {
			return fmt.Errorf("set up: %w", err)
		}
		var errs []error
		for _, root := range p.roots(o) {
			errs = append(errs, read(ctx, o, root))
		}
		return errors.Join(errs...)
	}
}

func (p *vnfpkgm) checkOnboardZip(ctx context.Context) error {
	_, err := p.vmPkg(ctx)
	return err
}

func (p *vnfpkgm) checkOnboardMultipart(ctx context.Context) error {
	_, err := p.cnfPkg(ctx)
	return err
}

// checkOnboardedInfo reads the VM package and compares what it says with
// the package the run built.
func (p *vnfpkgm) checkOnboardedInfo(ctx context.Context) error {
	o, err := p.vmPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	info, _, err := p.get(ctx, o.info.ID)
	if err != nil {
		return err
	}
	errs := []error{describes(info, o.built)}
	if info.Links.Vnfd == nil || info.Links.Vnfd.Href == "" {
		errs = append(errs, errors.New("no _links.vnfd although ONBOARDED"))
	}
	if self, err := url.Parse(info.Links.PackageContent.Href); err != nil || !strings.HasSuffix(self.Path, p.path(info.ID)+"/package_content") {
		errs = append(errs, fmt.Errorf("_links.packageContent %q, want the package's package_content", info.Links.PackageContent.Href))
	}
	return errors.Join(errs...)
}

// describes checks that info tells the truth about the package built.
func describes(info pkgInfo, b builtPkg) error {
	var errs []error
	if info.VnfdID != b.vnfdID {
		errs = append(errs, fmt.Errorf("vnfdId %q, want the VNFD's %s", info.VnfdID, b.vnfdID))
	}
	if info.Checksum == nil || info.Checksum.Algorithm != "SHA-256" || !strings.EqualFold(info.Checksum.Hash, sha256Hex(b.zip)) {
		errs = append(errs, fmt.Errorf("checksum %+v, want SHA-256 %s of the zip", info.Checksum, sha256Hex(b.zip)))
	}
	if len(info.SoftwareImages) == 0 {
		errs = append(errs, errors.New("no softwareImages although the VDUs have images"))
	}
	for _, im := range info.SoftwareImages {
		if data, ok := b.files[im.ImagePath]; ok && int64(len(data)) != im.Size {
			errs = append(errs, fmt.Errorf("software image %s: size %d, the file has %d bytes", im.ID, im.Size, len(data)))
		}
	}
	if len(info.AdditionalArtifacts) == 0 {
		errs = append(errs, errors.New("no additionalArtifacts although the package has a script"))
	}
	for _, a := range info.AdditionalArtifacts {
		data, ok := b.files[a.ArtifactPath]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("additional artifact %q is not a file of the package", a.ArtifactPath))
		case !strings.EqualFold(a.Checksum.Hash, sha256Hex(data)) || a.Checksum.Algorithm != "SHA-256":
			errs = append(errs, fmt.Errorf("additional artifact %s: checksum %+v, want SHA-256 %s", a.ArtifactPath, a.Checksum, sha256Hex(data)))
		}
	}
	return errors.Join(errs...)
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// checkOnboardedList lists the VM package with all_fields: the attributes
// excluded by default are there and valid against both schemas.
func (p *vnfpkgm) checkOnboardedList(ctx context.Context) error {
	o, err := p.vmPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	q := url.Values{"all_fields": {""}, "filter": {"(eq,vnfdId," + o.built.vnfdID + ")"}}
	schemas, err := p.schema("vnfPkgsInfo")
	if err != nil {
		return err
	}
	r, err := p.client().Get(ctx, p.prefix()+"/vnf_packages?"+q.Encode())
	if err != nil {
		return err
	}
	var list []pkgInfo
	if err := r.ExpectJSON(http.StatusOK, &list, schemas...); err != nil {
		return err
	}
	if len(list) != 1 || list[0].ID != o.info.ID {
		return fmt.Errorf("%s: %d packages listed, want only %s", r, len(list), o.info.ID)
	}
	return describes(list[0], o.built)
}

// read GETs path with accept (none if "") and checks the status and
// media type.
func (p *vnfpkgm) read(ctx context.Context, path, accept string, h http.Header, status int, mediaType string) (*check.Response, error) {
	if h == nil {
		h = http.Header{}
	}
	if accept != "" {
		h.Set("Accept", accept)
	}
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodGet, Path: path, Header: h})
	if err != nil {
		return nil, err
	}
	if err := r.ExpectStatus(status); err != nil {
		return r, err
	}
	if mt := r.MediaType(); mt != mediaType {
		return r, fmt.Errorf("%s: Content-Type %q, want %s", r, r.Header.Get("Content-Type"), mediaType)
	}
	return r, nil
}

func (p *vnfpkgm) checkContent(ctx context.Context, o onboarded, root string) error {
	r, err := p.read(ctx, root+"/package_content", zipType, nil, http.StatusOK, zipType)
	if err != nil {
		return err
	}
	if !bytes.Equal(r.Body, o.built.zip) {
		return fmt.Errorf("%s: %d bytes differing from the %d uploaded", r, len(r.Body), len(o.built.zip))
	}
	return p.expectNotAcceptable(ctx, root+"/package_content", check.JSON)
}

// expectNotAcceptable asks for path in a media type it does not come in.
func (p *vnfpkgm) expectNotAcceptable(ctx context.Context, path, accept string) error {
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodGet, Path: path, Header: http.Header{"Accept": {accept}}})
	if err != nil {
		return err
	}
	return p.problem(r, http.StatusNotAcceptable)
}

func (p *vnfpkgm) checkContentRange(ctx context.Context, o onboarded, root string) error {
	path, n := root+"/package_content", len(o.built.zip)
	r, err := p.read(ctx, path, "", http.Header{"Range": {"bytes=10-19"}}, http.StatusPartialContent, zipType)
	if err != nil {
		return err
	}
	var errs []error
	if !bytes.Equal(r.Body, o.built.zip[10:20]) {
		errs = append(errs, fmt.Errorf("%s: body %q, want bytes 10-19 of the zip", r, r.Body))
	}
	if cr, want := r.Header.Get("Content-Range"), fmt.Sprintf("bytes 10-19/%d", n); cr != want {
		errs = append(errs, fmt.Errorf("%s: Content-Range %q, want %q", r, cr, want))
	}
	r, err = p.client().Do(ctx, check.Request{Method: http.MethodGet, Path: path,
		Header: http.Header{"Range": {fmt.Sprintf("bytes=%d-", n+5)}}})
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if err := r.ExpectStatus(http.StatusRequestedRangeNotSatisfiable); err != nil {
		return errors.Join(append(errs, err)...)
	}
	if cr, want := r.Header.Get("Content-Range"), fmt.Sprintf("bytes */%d", n); cr != want {
		errs = append(errs, fmt.Errorf("%s: Content-Range %q, want %q (RFC 9110 §15.5.17)", r, cr, want))
	}
	return errors.Join(errs...)
}

// checkVNFDZip reads a VNFD of several files: only a zip can carry it.
func (p *vnfpkgm) checkVNFDZip(ctx context.Context, o onboarded, root string) error {
	var errs []error
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodGet, Path: root + "/vnfd",
		Header: http.Header{"Accept": {plainText}}})
	if err == nil {
		err = p.problem(r, http.StatusNotAcceptable)
	}
	errs = append(errs, err)
	r, err = p.read(ctx, root+"/vnfd", zipType+", "+plainText, nil, http.StatusOK, zipType)
	if err == nil {
		err = holdsVNFD(r, o.built)
	}
	return errors.Join(append(errs, err)...)
}

// holdsVNFD checks that a zip answer holds TOSCA.meta and exactly the
// VNFD's files, as packaged.
func holdsVNFD(r *check.Response, b builtPkg) error {
	files, err := unzip(r.Body)
	if err != nil {
		return fmt.Errorf("%s: %w", r, err)
	}
	var errs []error
	if _, ok := files["TOSCA-Metadata/TOSCA.meta"]; !ok {
		errs = append(errs, fmt.Errorf("%s: no TOSCA-Metadata/TOSCA.meta in the zip", r))
	}
	want := b.vnfdFiles()
	var got []string
	for name, data := range files {
		if name == "TOSCA-Metadata/TOSCA.meta" {
			continue
		}
		got = append(got, name)
		if !bytes.Equal(data, b.files[name]) {
			errs = append(errs, fmt.Errorf("%s: %s differs from the package's", r, name))
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		errs = append(errs, fmt.Errorf("%s: the zip holds %v, want the VNFD's files %v", r, got, want))
	}
	return errors.Join(errs...)
}

// unzip reads every file of a zip, refusing one that is not.
func unzip(data []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("body is not a zip: %w", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("zip entry %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, check.MaxBody))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("zip entry %s: %w", f.Name, err)
		}
		out[f.Name] = b
	}
	return out, nil
}

// checkVNFDPlain reads a one-file VNFD as text and as a zip.
func (p *vnfpkgm) checkVNFDPlain(ctx context.Context, o onboarded, root string) error {
	var errs []error
	r, err := p.read(ctx, root+"/vnfd", plainText, nil, http.StatusOK, plainText)
	if err == nil {
		if files := o.built.vnfdFiles(); len(files) != 1 || !bytes.Equal(r.Body, o.built.files[files[0]]) {
			err = fmt.Errorf("%s: body is not the VNFD file %v", r, files)
		}
	}
	errs = append(errs, err)
	r, err = p.read(ctx, root+"/vnfd", zipType, nil, http.StatusOK, zipType)
	if err == nil {
		err = holdsVNFD(r, o.built)
	}
	errs = append(errs, err)
	r, err = p.client().Do(ctx, check.Request{Method: http.MethodGet, Path: root + "/vnfd",
		Header: http.Header{"Accept": {check.JSON}}})
	if err == nil {
		err = p.problem(r, http.StatusNotAcceptable)
	}
	return errors.Join(append(errs, err)...)
}

func (p *vnfpkgm) checkManifest(ctx context.Context, o onboarded, root string) error {
	r, err := p.read(ctx, root+"/manifest", "", nil, http.StatusOK, plainText)
	if err != nil {
		return err
	}
	if !bytes.Equal(r.Body, o.built.files[csartest.ManifestName]) {
		return fmt.Errorf("%s: body is not the package's %s", r, csartest.ManifestName)
	}
	return p.expectNotAcceptable(ctx, root+"/manifest", zipType)
}

func (p *vnfpkgm) checkArtifact(ctx context.Context, o onboarded, root string) error {
	name, err := o.artifact()
	if err != nil {
		return err
	}
	data := o.built.files[name]
	if len(data) < 4 {
		return fmt.Errorf("artifact %s has %d bytes, too few to read a range of", name, len(data))
	}
	path, _ := expand(root+"/artifacts/{p}", map[string]string{"p": name})
	var errs []error
	r, err := p.client().Get(ctx, path)
	if err == nil {
		if err = r.ExpectStatus(http.StatusOK); err == nil && !bytes.Equal(r.Body, data) {
			err = fmt.Errorf("%s: body is not the artifact's %d bytes", r, len(data))
		}
	}
	errs = append(errs, err)
	errs = append(errs, p.checkArtifactRange(ctx, path, data), p.checkNoArtifact(ctx, root))
	return errors.Join(errs...)
}

func (p *vnfpkgm) checkArtifactRange(ctx context.Context, path string, data []byte) error {
	r, err := p.client().Do(ctx, check.Request{Method: http.MethodGet, Path: path, Header: http.Header{"Range": {"bytes=0-3"}}})
	if err != nil {
		return err
	}
	if err := r.ExpectStatus(http.StatusPartialContent); err != nil {
		return err
	}
	var errs []error
	if !bytes.Equal(r.Body, data[:4]) {
		errs = append(errs, fmt.Errorf("%s: body %q, want the artifact's first 4 bytes", r, r.Body))
	}
	if cr, want := r.Header.Get("Content-Range"), fmt.Sprintf("bytes 0-3/%d", len(data)); cr != want {
		errs = append(errs, fmt.Errorf("%s: Content-Range %q, want %q", r, cr, want))
	}
	return errors.Join(errs...)
}

// traversals are artifact paths that name files outside the package.
var traversals = []string{
	"/artifacts/../../../../../../etc/passwd",
	"/artifacts/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
	"/artifacts/Files/..%2f..%2f..%2f..%2fetc%2fpasswd",
	"/artifacts//etc/passwd",
}

// checkNoArtifact asks for a file the package lacks and for files
// outside it: 404 (or 400 for a path the server refuses to resolve).
func (p *vnfpkgm) checkNoArtifact(ctx context.Context, root string) error {
	var errs []error
	for _, sub := range append([]string{"/artifacts/Files/no-such-artifact.bin"}, traversals...) {
		r, err := p.client().Get(ctx, root+sub)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		status := http.StatusNotFound
		if r.Status == http.StatusBadRequest {
			status = http.StatusBadRequest
		}
		errs = append(errs, p.problem(r, status))
	}
	return errors.Join(errs...)
}

// checkByVNFDID reads the package SOL 003's way, by the vnfdId a VNFM
// knows from its VNFD.
func (p *vnfpkgm) checkByVNFDID(ctx context.Context) error {
	o, err := p.vmPkg(ctx)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	schemas, err := p.schema("vnfPkgInfo")
	if err != nil {
		return err
	}
	r, err := p.client().Get(ctx, p.roots(o)[1])
	if err != nil {
		return err
	}
	var info pkgInfo
	errs := []error{r.ExpectJSON(http.StatusOK, &info, schemas...)}
	if info.ID != o.info.ID || info.VnfdID != o.built.vnfdID {
		errs = append(errs, fmt.Errorf("%s: package %s with vnfdId %s, want %s with %s", r, info.ID, info.VnfdID, o.info.ID, o.built.vnfdID))
	}
	r, err = p.client().Get(ctx, p.prefix()+"/onboarded_vnf_packages/00000000-0000-4000-8000-000000000000")
	if err == nil {
		err = p.problem(r, http.StatusNotFound)
	}
	return errors.Join(append(errs, err)...)
}
