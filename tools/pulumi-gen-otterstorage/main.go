// pulumi-gen-otterstorage writes the Node.js, Python and Go SDKs of the native otterstorage plugin from the package
// schema (schema.json at the repository root, itself generated from the field tables by `npm run schema`).
//
// Why a program of our own: `pulumi package gen-sdk` in CLI v3.274.1 asks the language host to generate
// (GeneratePackage RPC), and the hosts the Go module proxy serves (Node v3.68, Python v3.79, Go v3.66) predate that
// RPC. The generators themselves live in github.com/pulumi/pulumi/pkg/v3/codegen/{nodejs,python,go}, the same
// module (and version) as the CLI built from tools/pulumi, so the Go build cache is shared. There is no .NET
// generator in pkg/v3 any more (it moved to github.com/pulumi/pulumi-dotnet; see docs/native-sdks.md).
//
// Usage: pulumi-gen-otterstorage -schema schema.json -out sdks [-lang nodejs,python,go]
// Each language is written to <out>/<lang>; a previous output there is removed first, so a file the generator no
// longer writes does not linger. npm run sdks builds and runs it; tests/native-sdks.test.ts regenerates into a
// temporary folder and compares.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-gen-otterstorage"

// noExternalPackages is the loader BindSpec needs (it must not be nil): the schema references no other package,
// so any request to load one is an error worth seeing rather than a plugin download.
type noExternalPackages struct{}

func (noExternalPackages) refuse(name string) error {
	return fmt.Errorf("schema.json references package %q; %s resolves no external packages", name, tool)
}
func (l noExternalPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg)
}
func (l noExternalPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}
func (l noExternalPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(pkg)
}
func (l noExternalPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}

var generators = map[string]func(*schema.Package) (map[string][]byte, error){
	"nodejs": func(p *schema.Package) (map[string][]byte, error) {
		return nodejs.GeneratePackage(tool, p, nil, nil, false, nil)
	},
	"python": func(p *schema.Package) (map[string][]byte, error) { return python.GeneratePackage(tool, p, nil, nil) },
	"go":     func(p *schema.Package) (map[string][]byte, error) { return gogen.GeneratePackage(tool, p, nil) },
}

func main() {
	schemaPath := flag.String("schema", "schema.json", "the package schema")
	out := flag.String("out", "sdks", "output folder; each language goes to <out>/<lang>")
	langs := flag.String("lang", "nodejs,python,go", "comma-separated languages: nodejs, python, go")
	flag.Parse()
	if err := run(*schemaPath, *out, strings.Split(*langs, ",")); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
		os.Exit(1)
	}
}

func run(schemaPath, out string, langs []string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noExternalPackages{}, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s is not a valid package schema:\n%s", schemaPath, diags.Error())
	}
	if err := pkg.ImportLanguages(map[string]schema.Language{"nodejs": nodejs.Importer, "python": python.Importer, "go": gogen.Importer}); err != nil {
		return err
	}
	for _, lang := range langs {
		gen, ok := generators[lang]
		if !ok {
			return fmt.Errorf("unknown language %q (use nodejs, python or go)", lang)
		}
		files, err := gen(pkg)
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", lang, err)
		}
		dir := filepath.Join(out, lang)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		names := make([]string, 0, len(files))
		for name := range files {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			path := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, files[name], 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("%s: wrote %d files to %s\n", tool, len(names), dir)
	}
	return nil
}
