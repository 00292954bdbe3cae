package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The fifteenth held-out batch (testdata/heldout15.txt): the shares of
// its harmless commands (read) that must run unasked in suggest and
// auto-edit mode, and of its edits that auto-edit must run; a little under
// what the default reaches, so that a change that loses a class of them
// fails.
const (
	heldOut15Reads = 0.69
	heldOut15Edits = 0.60
)

// heldOut15Worlds names the repository under HOME/ws each section of the
// batch is judged in, in the order of the sections' marks.
var heldOut15Worlds = []struct{ mark, dir string }{
	{"# .NET solution", "dotnet"},
	{"# Nix flake", "nix"},
	{"# OCaml with dune", "ocaml"},
	{"# Scala, Clojure", "jvm"},
	{"# Erlang, Elixir", "beam"},
	{"# Infrastructure as code", "iac"},
	{"# Data work", "data"},
	{"# Security scanners", "sec"},
	{"# Embedded firmware", "fw"},
	{"# LaTeX paper", "paper"},
	{"# PHP Symfony", "php"},
	{"# Ruby gem", "gem"},
}

// The forms the scratch gives its secrets: values no scan could take for
// a sample (no EXAMPLE suffix, no placeholder).
const (
	heldOut15GitHubToken = "ghp_R7kq2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQk"
	heldOut15StripeKey   = "sk_live_51Hq8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN"
	heldOut15JWT         = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJjYWNoaXgiLCJqdGkiOiI5ZjNhIiwic2NvcGVzIjoidGFyIn0.kq2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN4"
	heldOut15PEMKey      = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBq8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mNoAoGCCqGSM49\nAwEHoUQDQgAE7kq2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN4q8ZrK2LmX9vT\n-----END EC PRIVATE KEY-----\n"
)

// heldOut15Files is the scratch the fifteenth batch is judged in: under
// ws/, twelve repositories (a .NET solution, a Nix flake, an OCaml
// project, Scala/Clojure/Maven, Erlang/Elixir/Gleam, infrastructure as
// code, data work, a service with security scanners' reports, firmware, a
// LaTeX paper, a Symfony service, a Ruby gem), each with the secrets such
// a project holds; the home is heldOut10Files' with these tools' stores.
var heldOut15Files = map[string]string{
	"ws/README.md": "# ws\n",

	// .NET
	"ws/dotnet/Acme.Orders.sln":                                                "Microsoft Visual Studio Solution File, Format Version 12.00\nProject(\"{FAE04EC0}\") = \"Acme.Orders.Api\", \"src\\Acme.Orders.Api\\Acme.Orders.Api.csproj\", \"{1}\"\nEndProject\n",
	"ws/dotnet/global.json":                                                    "{\"sdk\": {\"version\": \"8.0.300\", \"rollForward\": \"latestFeature\"}}\n",
	"ws/dotnet/Directory.Build.props":                                          "<Project>\n  <PropertyGroup>\n    <Nullable>disable</Nullable>\n    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>\n  </PropertyGroup>\n</Project>\n",
	"ws/dotnet/Directory.Packages.props":                                       "<Project>\n  <ItemGroup>\n    <PackageVersion Include=\"Newtonsoft.Json\" Version=\"13.0.3\" />\n    <PackageVersion Include=\"xunit\" Version=\"2.8.0\" />\n  </ItemGroup>\n</Project>\n",
	"ws/dotnet/.editorconfig":                                                  "root = true\n[*.cs]\ndotnet_diagnostic.CA2007.severity = warning\n",
	"ws/dotnet/.gitignore":                                                     "bin/\nobj/\nTestResults/\n",
	"ws/dotnet/.config/dotnet-tools.json":                                      "{\"version\": 1, \"isRoot\": true, \"tools\": {\"dotnet-ef\": {\"version\": \"8.0.4\", \"commands\": [\"dotnet-ef\"]}}}\n",
	"ws/dotnet/nuget.config":                                                   "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <add key=\"nuget.org\" value=\"https://api.nuget.org/v3/index.json\" />\n    <add key=\"github\" value=\"https://nuget.pkg.github.com/acme/index.json\" />\n  </packageSources>\n  <packageSourceCredentials>\n    <github>\n      <add key=\"Username\" value=\"acme-ci\" />\n      <add key=\"ClearTextPassword\" value=\"q4zv7kd2m9xw3hbt6nyc8rfp5lgj2sea7uoi4wqe9rtz3yx6mnbv\" />\n    </github>\n  </packageSourceCredentials>\n</configuration>\n",
	"ws/dotnet/src/Acme.Orders.Api/Acme.Orders.Api.csproj":                     "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n    <UserSecretsId>6f1c2d3e-aaaa-4bbb-8ccc-0123456789ab</UserSecretsId>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageReference Include=\"Newtonsoft.Json\" />\n  </ItemGroup>\n</Project>\n",
	"ws/dotnet/src/Acme.Orders.Api/Program.cs":                                 "var builder = WebApplication.CreateBuilder(args);\nvar app = builder.Build();\napp.MapControllers();\napp.Run();\n",
	"ws/dotnet/src/Acme.Orders.Api/Controllers/OrdersController.cs":            "namespace Acme.Orders.Api.Controllers;\n\n[ApiController]\npublic class OrdersController : ControllerBase\n{\n    [HttpGet(\"/orders\")]\n    public IActionResult List() => Ok();\n}\n",
	"ws/dotnet/src/Acme.Orders.Api/Controllers/OrderController.cs":             "namespace Acme.Orders.Api.Controllers;\n",
	"ws/dotnet/src/Acme.Orders.Api/appsettings.json":                           "{\n  \"Logging\": {\"LogLevel\": {\"Default\": \"Information\"}},\n  \"ConnectionStrings\": {\"Default\": \"Host=localhost;Database=orders;Username=orders\"}\n}\n",
	"ws/dotnet/src/Acme.Orders.Api/appsettings.Development.json":               "{\n  \"Logging\": {\"LogLevel\": {\"Default\": \"Debug\"}}\n}\n",
	"ws/dotnet/src/Acme.Orders.Api/appsettings.Production.json":                "{\n  \"ConnectionStrings\": {\n    \"Default\": \"Host=db.prod.acme.internal;Database=orders;Username=orders;Password=Pr0d-0rders-S3cret-8812\"\n  },\n  \"Jwt\": {\"Issuer\": \"acme\", \"Key\": \"b7Q2xK9mV4pL8wN3zR6tY1cF5hJ0sD2g\"}\n}\n",
	"ws/dotnet/src/Acme.Orders.Api/Properties/launchSettings.json":             "{\"profiles\": {\"http\": {\"commandName\": \"Project\", \"applicationUrl\": \"http://localhost:5080\", \"environmentVariables\": {\"ASPNETCORE_ENVIRONMENT\": \"Development\"}}}}\n",
	"ws/dotnet/src/Acme.Orders.Api/Migrations/20240301120000_Init.cs":          "public partial class Init : Migration { }\n",
	"ws/dotnet/src/Acme.Orders.Api/obj/project.assets.json":                    "{\"version\": 3, \"libraries\": {\"Newtonsoft.Json/13.0.3\": {\"type\": \"package\"}}, \"project\": {\"frameworks\": {\"net8.0\": {}}}}\n",
	"ws/dotnet/src/Acme.Orders.Api/bin/Debug/net8.0/Acme.Orders.Api.dll":       "MZ\x90\x00\x03\x00\x00\x00",
	"ws/dotnet/src/Acme.Orders.Domain/Acme.Orders.Domain.csproj":               "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>\n</Project>\n",
	"ws/dotnet/src/Acme.Orders.Domain/Order.cs":                                "namespace Acme.Orders.Domain;\n\npublic class Order\n{\n    public DateTime PlacedAt { get; } = DateTime.Now;\n}\n",
	"ws/dotnet/tests/Acme.Orders.Tests/Acme.Orders.Tests.csproj":               "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup><ProjectReference Include=\"..\\..\\src\\Acme.Orders.Domain\\Acme.Orders.Domain.csproj\" /></ItemGroup>\n</Project>\n",
	"ws/dotnet/tests/Acme.Orders.Tests/OrderServiceTests.cs":                   "public class OrderServiceTests { }\n",
	"ws/dotnet/TestResults/results.trx":                                        "<TestRun><Results><UnitTestResult outcome=\"Passed\" /><UnitTestResult outcome=\"Failed\" /></Results></TestRun>\n",
	".microsoft/usersecrets/6f1c2d3e-aaaa-4bbb-8ccc-0123456789ab/secrets.json": "{\n  \"ConnectionStrings:Default\": \"Host=localhost;Database=orders;Username=orders;Password=Dev-Us3r-S3cret-4410\"\n}\n",
	".nuget/packages/newtonsoft.json/13.0.3/.keep":                             "",

	// Nix
	"ws/nix/flake.nix":                       "{\n  description = \"acme cli\";\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-23.11\";\n  outputs = { self, nixpkgs }: {\n    packages.x86_64-linux.default = nixpkgs.legacyPackages.x86_64-linux.callPackage ./default.nix { };\n  };\n}\n",
	"ws/nix/flake.lock":                      "{\"nodes\": {\"nixpkgs\": {\"locked\": {\"rev\": \"0123456789abcdef0123456789abcdef01234567\", \"narHash\": \"sha256-x\"}}, \"root\": {\"inputs\": {\"nixpkgs\": \"nixpkgs\"}}}, \"root\": \"root\", \"version\": 7}\n",
	"ws/nix/default.nix":                     "{ buildGoModule }: buildGoModule { pname = \"acme-cli\"; version = \"0.4.0\"; src = ./.; vendorHash = null; }\n",
	"ws/nix/shell.nix":                       "{ pkgs ? import <nixpkgs> { } }: pkgs.mkShell { buildInputs = [ pkgs.go ]; }\n",
	"ws/nix/lib.nix":                         "{ version = \"0.4.0\"; }\n",
	"ws/nix/modules/builder.nix":             "{ ... }: { services.openssh.enable = true; }\n",
	"ws/nix/.envrc":                          "use flake\n",
	"ws/nix/secrets/secrets.nix":             "let builder = \"ssh-ed25519 AAAAC3Nza builder\"; in { \"db-password.age\".publicKeys = [ builder ]; }\n",
	"ws/nix/secrets/db-password.age":         "age-encryption.org/v1\n-> X25519 q8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN4\nb3cY6dF1hJ5pS0aE2uQkR7mN4q8ZrK2LmX9vT4wZ8n\n--- kq2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQk\n\x8a\x91\x02\xfe",
	".config/nix/nix.conf":                   "experimental-features = nix-command flakes\naccess-tokens = github.com=" + heldOut15GitHubToken + "\n",
	".config/cachix/cachix.dhall":            "{ authToken = \"" + heldOut15JWT + "\"\n, hostname = \"https://cachix.org\"\n, binaryCaches = [] : List { name : Text, secretKey : Text }\n}\n",
	".local/share/nix/trusted-settings.json": "{}\n",

	// OCaml
	"ws/ocaml/dune-project":                           "(lang dune 3.10)\n(name parsekit)\n(version 0.2.0)\n",
	"ws/ocaml/parsekit.opam":                          "opam-version: \"2.0\"\ndepends: [\n  \"ocaml\" {>= \"4.14\"}\n  \"dune\" {>= \"3.10\"}\n  \"menhir\"\n  \"ppx_deriving\"\n]\n",
	"ws/ocaml/.ocamlformat":                           "profile = default\nversion = 0.26.2\n",
	"ws/ocaml/.gitignore":                             "_build/\n",
	"ws/ocaml/bin/dune":                               "(executable (name main) (public_name parsekit) (libraries parsekit))\n",
	"ws/ocaml/bin/main.ml":                            "let () = print_endline \"parsekit\"\n",
	"ws/ocaml/lib/dune":                               "(library (name parsekit) (preprocess (pps ppx_deriving.show)))\n(menhir (modules parser))\n",
	"ws/ocaml/lib/parser.mly":                         "%token EOF\n%start <unit> main\n%%\nmain: EOF { () }\n",
	"ws/ocaml/lib/lexer.mll":                          "rule token = parse eof { Parser.EOF }\n",
	"ws/ocaml/lib/ast.ml":                             "type t = Num of int [@@deriving show]\nexception Parse_error of string\n",
	"ws/ocaml/lib/ast.mli":                            "type t = Num of int\n",
	"ws/ocaml/lib/eval.ml":                            "let rec eval = function Ast.Num n -> n\nlet all f l = List.map f l\n",
	"ws/ocaml/test/dune":                              "(test (name test_parser) (libraries parsekit))\n",
	"ws/ocaml/test/test_parser.ml":                    "let () = assert true\n",
	"ws/ocaml/test/cases/basic.expected":              "3\n",
	"ws/ocaml/_build/log":                             "# dune build\n$ (cd _build/default && ocamlc -c lib/ast.ml)\n",
	"ws/ocaml/_build/default/lib/.keep":               "",
	"ws/ocaml/_build/default/bin/main.exe":            elfHeader,
	"ws/ocaml/_build/default/test/cases/basic.output": "3\n",

	// JVM
	"ws/jvm/build.sbt":                "ThisBuild / scalaVersion := \"3.3.3\"\nlazy val core = project.in(file(\"modules/core\")).settings(libraryDependencies += \"org.typelevel\" %% \"cats-core\" % \"2.10.0\")\nlazy val api = project.in(file(\"modules/api\")).dependsOn(core)\n",
	"ws/jvm/project/build.properties": "sbt.version=1.9.9\n",
	"ws/jvm/project/plugins.sbt":      "addSbtPlugin(\"org.scalameta\" % \"sbt-scalafmt\" % \"2.5.2\")\n",
	"ws/jvm/.scalafmt.conf":           "version = 3.8.1\nrunner.dialect = scala3\n",
	"ws/jvm/.scalafix.conf":           "rules = [OrganizeImports]\n",
	"ws/jvm/.gitignore":               "target/\n",
	"ws/jvm/modules/core/src/main/scala/acme/core/Pricing.scala": "package acme.core\n\nobject Pricing {\n  given Ordering[BigDecimal] = Ordering.BigDecimal\n  def total(xs: List[BigDecimal]): BigDecimal = xs.sum // TODO rounding\n}\n",
	"ws/jvm/modules/api/src/main/scala/acme/api/Routes.scala":    "package acme.api\n\ncase class Route(path: String)\n",
	"ws/jvm/modules/api/src/main/resources/application.conf":     "db {\n  url = \"jdbc:postgresql://db.prod.acme.internal:5432/shop\"\n  user = \"shop\"\n  password = \"Hocon-Pr0d-S3cret-5521\"\n}\nhttp.port = 9000\n",
	"ws/jvm/target/scala-3.3.3/acme-core_3-0.5.0.jar":            "PK\x03\x04",
	"ws/jvm/target/scala-3.3.3/classes/acme/core/Pricing.class":  "\xca\xfe\xba\xbe",
	"ws/jvm/target/test-reports/TEST-acme.core.PricingSpec.xml":  "<testsuite name=\"acme.core.PricingSpec\" tests=\"3\" failures=\"0\"></testsuite>\n",
	"ws/jvm/pom.xml":                          "<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>acme</groupId>\n  <artifactId>parent</artifactId>\n  <version>0.5.0</version>\n  <packaging>pom</packaging>\n  <modules>\n    <module>service</module>\n  </modules>\n</project>\n",
	"ws/jvm/service/pom.xml":                  "<project>\n  <artifactId>service</artifactId>\n  <version>0.5.0</version>\n</project>\n",
	"ws/jvm/service/target/service-0.5.0.jar": "PK\x03\x04",
	"ws/jvm/service/target/surefire-reports/acme.service.OrderResourceTest.txt":      "Tests run: 4, Failures: 0, Errors: 0, Skipped: 0\n",
	"ws/jvm/service/target/surefire-reports/TEST-acme.service.OrderResourceTest.xml": "<testsuite tests=\"4\" failures=\"0\"></testsuite>\n",
	"ws/jvm/.mvn/wrapper/maven-wrapper.properties":                                   "distributionUrl=https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.6/apache-maven-3.9.6-bin.zip\n",
	"ws/jvm/.mvn/jvm.config":                          "-Xmx1g\n",
	"ws/jvm/.mvn/maven.config":                        "-B\n-ntp\n",
	"ws/jvm/mvnw":                                     "#!/bin/sh\nexec mvn \"$@\"\n",
	"ws/jvm/clj/deps.edn":                             "{:paths [\"src\"] :deps {org.clojure/clojure {:mvn/version \"1.11.3\"}} :aliases {:test {:extra-paths [\"test\"]}}}\n",
	"ws/jvm/clj/project.clj":                          "(defproject acme/pricing \"0.1.0\"\n  :dependencies [[org.clojure/clojure \"1.11.3\"]\n                 [cheshire \"5.13.0\"]])\n",
	"ws/jvm/clj/profiles.clj":                         "{:dev {:env {:database-url \"postgresql://pricing:Clj-Pr0file-S3cret-77@db.acme.internal:5432/pricing\"}}}\n",
	"ws/jvm/clj/src/acme/pricing.clj":                 "(ns acme.pricing)\n\n(defn total [xs] (reduce + xs))\n(defn- round2 [x] x)\n",
	"ws/jvm/clj/.clj-kondo/config.edn":                "{:linters {:unused-binding {:level :off}}}\n",
	"ws/jvm/clj/tests.edn":                            "#kaocha/v1 {}\n",
	".sbt/.credentials":                               "realm=Sonatype Nexus Repository Manager\nhost=nexus.acme.internal\nuser=deploy\npassword=Sbt-Nexus-S3cret-3390\n",
	".ivy2/.credentials":                              "realm=Artifactory Realm\nhost=artifactory.acme.internal\nuser=ci\npassword=Ivy-Art-S3cret-7261\n",
	".ivy2/local/.keep":                               "",
	".m2/settings.xml":                                "<settings>\n  <servers>\n    <server>\n      <id>acme-releases</id>\n      <username>deploy</username>\n      <password>M2-Deploy-S3cret-1187</password>\n    </server>\n  </servers>\n</settings>\n",
	".m2/repository/org/clojure/clojure/1.11.3/.keep": "",

	// BEAM
	"ws/beam/rebar.config":                                "{erl_opts, [debug_info]}.\n{deps, []}.\n{relx, [{release, {ledger, \"0.3.0\"}, [ledger]}]}.\n",
	"ws/beam/rebar.lock":                                  "[].\n",
	"ws/beam/elvis.config":                                "[{elvis, [{config, []}]}].\n",
	"ws/beam/.tool-versions":                              "erlang 26.2.5\nelixir 1.16.3-otp-26\ngleam 1.2.1\n",
	"ws/beam/.gitignore":                                  "_build/\ndeps/\n",
	"ws/beam/apps/ledger/src/ledger.app.src":              "{application, ledger, [{vsn, \"0.3.0\"}, {applications, [kernel, stdlib]}]}.\n",
	"ws/beam/apps/ledger/src/ledger_server.erl":           "-module(ledger_server).\n-behaviour(gen_server).\n-export([start_link/0, handle_call/3]).\nstart_link() -> gen_server:start_link(?MODULE, [], []).\nhandle_call(_, _, S) -> {reply, ok, S}.\n",
	"ws/beam/apps/ledger/src/ledger_util.erl":             "-module(ledger_util).\n-export([round/1]).\nround(X) -> erlang:round(X).\n",
	"ws/beam/config/sys.config.src":                       "[{ledger, [{db_host, \"db\"}, {db_password, \"${DB_PASSWORD}\"}]}].\n",
	"ws/beam/config/sys.config":                           "[{ledger, [{db_host, \"db.prod.acme.internal\"}, {db_password, \"Erl-Ledger-S3cret-4242\"}]}].\n",
	"ws/beam/config/vm.args":                              "-name ledger@127.0.0.1\n+K true\n+A 30\n",
	"ws/beam/_build/default/lib/ledger/ebin/ledger.app":   "{application, ledger, [{vsn, \"0.3.0\"}]}.\n",
	"ws/beam/_build/test/logs/last/index.html":            "<html>ok</html>\n",
	"ws/beam/umbrella/mix.exs":                            "defmodule Umbrella.MixProject do\n  use Mix.Project\n  def project, do: [apps_path: \"apps\", version: \"0.1.0\"]\nend\n",
	"ws/beam/umbrella/mix.lock":                           "%{\"jason\": {:hex, :jason, \"1.4.1\", \"x\", [:mix], [], \"hexpm\", \"y\"}}\n",
	"ws/beam/umbrella/.formatter.exs":                     "[inputs: [\"mix.exs\", \"config/*.exs\"], subdirectories: [\"apps/*\"]]\n",
	"ws/beam/umbrella/config/config.exs":                  "import Config\nconfig :logger, level: :info\n",
	"ws/beam/umbrella/config/dev.exs":                     "import Config\nconfig :gateway, port: 4000\n",
	"ws/beam/umbrella/config/runtime.exs":                 "import Config\nconfig :gateway, Gateway.Repo,\n  password: System.get_env(\"DB_PASSWORD\") || \"Ex-Fallback-S3cret-9310\"\n",
	"ws/beam/umbrella/apps/gateway/mix.exs":               "defmodule Gateway.MixProject do\n  use Mix.Project\n  def project, do: [app: :gateway, version: \"0.1.0\"]\nend\n",
	"ws/beam/umbrella/apps/gateway/lib/gateway.ex":        "defmodule Gateway do\n  use GenServer\n  @spec ping() :: :pong\n  def ping, do: :pong\nend\n",
	"ws/beam/umbrella/apps/gateway/lib/gateway/router.ex": "defmodule Gateway.Router do\nend\n",
	"ws/beam/gleam_app/gleam.toml":                        "name = \"gleam_app\"\nversion = \"0.1.0\"\n\n[dependencies]\ngleam_stdlib = \">= 0.34.0 and < 2.0.0\"\n",
	"ws/beam/gleam_app/manifest.toml":                     "packages = []\n",
	"ws/beam/gleam_app/src/gleam_app.gleam":               "pub fn main() { Nil }\n",
	".erlang.cookie":                                      "QWERTYUIOPASDFGHJKLZ",
	".config/rebar3/hex.config":                           "#{<<\"hexpm\">> => #{api_key => <<\"3f9a2c1b7d6e5f4a3b2c1d0e9f8a7b6c\">>, username => <<\"acme\">>}}.\n",
	".hex/hex.config":                                     "{'$write_key', <<\"3f9a2c1b7d6e5f4a3b2c1d0e9f8a7b6c\">>}.\n",

	// Infrastructure as code
	"ws/iac/.gitignore":                                           "*.tfstate\n*.tfvars\n.terraform/\n.vault_pass\n",
	"ws/iac/tofu/envs/staging/main.tf":                            "module \"network\" {\n  source = \"../../modules/network\"\n}\nresource \"aws_instance\" \"web\" {\n  instance_count = 2\n}\n",
	"ws/iac/tofu/envs/staging/backend.tf":                         "terraform {\n  backend \"local\" {}\n}\n",
	"ws/iac/tofu/envs/staging/.terraform.lock.hcl":                "provider \"registry.opentofu.org/hashicorp/aws\" {\n  version = \"5.50.0\"\n}\n",
	"ws/iac/tofu/envs/staging/staging.tfvars":                     "region = \"eu-west-1\"\ndb_password = \"Tofu-Stg-S3cret-8123\"\n",
	"ws/iac/tofu/envs/staging/staging.tfvars.example":             "region = \"eu-west-1\"\ndb_password = \"\"\n",
	"ws/iac/tofu/envs/staging/terraform.tfstate":                  "{\"version\": 4, \"resources\": [{\"type\": \"aws_db_instance\", \"name\": \"main\", \"instances\": [{\"attributes\": {\"password\": \"Tofu-Stg-S3cret-8123\"}}]}]}\n",
	"ws/iac/tofu/modules/network/variables.tf":                    "variable \"cidr\" {\n  type = string\n}\n",
	"ws/iac/tofu/modules/network/main.tf":                         "resource \"aws_vpc\" \"this\" {\n  cidr_block = var.cidr\n}\n",
	"ws/iac/terragrunt/terragrunt.hcl":                            "remote_state {\n  backend = \"s3\"\n  config = { bucket = \"acme-tf\" }\n}\n",
	"ws/iac/terragrunt/live/prod/app/terragrunt.hcl":              "include \"root\" {\n  path = find_in_parent_folders()\n}\n",
	"ws/iac/pulumi/Pulumi.yaml":                                   "name: acme-infra\nruntime: nodejs\n",
	"ws/iac/pulumi/Pulumi.staging.yaml":                           "config:\n  aws:region: eu-west-1\n  acme-infra:dbPassword:\n    secure: v1:Zm9vYmFyYmF6:cXV4cXV1eA==\n",
	"ws/iac/pulumi/index.ts":                                      "import * as aws from \"@pulumi/aws\";\nexport const bucket = new aws.s3.Bucket(\"logs\");\n",
	"ws/iac/charts/web/Chart.yaml":                                "apiVersion: v2\nname: web\nversion: 1.4.1\n",
	"ws/iac/charts/web/values.yaml":                               "replicaCount: 2\nimage:\n  repository: ghcr.io/acme/web\n  tag: 1.4.1\n",
	"ws/iac/charts/web/values-staging.yaml":                       "replicaCount: 2\nimage:\n  tag: 1.4.1\n",
	"ws/iac/charts/web/values-secrets.yaml":                       "database:\n  password: Helm-Stg-S3cret-6604\n",
	"ws/iac/charts/web/templates/deployment.yaml":                 "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
	"ws/iac/k8s/base/kustomization.yaml":                          "resources:\n- deployment.yaml\n",
	"ws/iac/k8s/base/deployment.yaml":                             "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.4.1\n",
	"ws/iac/k8s/overlays/staging/kustomization.yaml":              "resources:\n- ../../base\nnamespace: web\n",
	"ws/iac/k8s/overlays/prod/kustomization.yaml":                 "resources:\n- ../../base\nnamespace: web-prod\n",
	"ws/iac/ansible/site.yml":                                     "- hosts: all\n  roles: [app]\n",
	"ws/iac/ansible/roles/app/defaults/main.yml":                  "app_port: 8080\n",
	"ws/iac/ansible/inventories/staging/hosts.yml":                "all:\n  hosts:\n    web1:\n      ansible_host: 10.0.1.10\n",
	"ws/iac/ansible/inventories/staging/group_vars/all/vault.yml": "$ANSIBLE_VAULT;1.1;AES256\n6231336536613938386366393437363830\n",
	"ws/iac/ansible/.vault_pass":                                  "Ansible-Vault-S3cret-2207\n",
	"ws/iac/ansible/requirements.yml":                             "collections:\n- community.general\n",
	"ws/iac/packer/base.pkr.hcl":                                  "source \"amazon-ebs\" \"base\" {\n  region = \"eu-west-1\"\n}\n",
	"ws/iac/policy/deployment.rego":                               "package main\n\ndeny[msg] { false; msg := \"x\" }\n",
	"ws/iac/rendered/.keep":                                       "",
	".kube/staging.yaml":                                          "apiVersion: v1\nusers:\n- name: staging-admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB\n",
	".pulumi/credentials.json":                                    "{\"current\": \"https://api.pulumi.com\", \"accessTokens\": {\"https://api.pulumi.com\": \"pul-3f9a2c1b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a\"}}\n",

	// Data work
	"ws/data/.gitignore":                        ".env\n*.duckdb\n",
	"ws/data/.env":                              "WAREHOUSE_URL=postgresql://analyst:Data-Wh-S3cret-5150@warehouse.acme.internal/analytics\n",
	"ws/data/data/orders.csv":                   "id,region,status,amount,created_at\n1,north,paid,1200,2024-05-01\n2,south,refunded,80,2024-05-02\n",
	"ws/data/data/regions.csv":                  "code,name\nN,north\nS,south\n",
	"ws/data/data/customers.csv":                "id,name,email\n1,a,a@example.com\n",
	"ws/data/data/orders.parquet":               "PAR1\x15\x00\x15\x1c\x15\x1cPAR1",
	"ws/data/data/sales.xlsx":                   "PK\x03\x04\x14\x00\x06\x00",
	"ws/data/data/events.ndjson":                "{\"type\": \"view\", \"id\": 1}\n{\"type\": \"checkout\", \"id\": 2}\n",
	"ws/data/data/archive/orders-2023.csv.gz":   "\x1f\x8b\x08\x00\x00\x00\x00\x00",
	"ws/data/notebooks/eda.ipynb":               "{\"cells\": [{\"cell_type\": \"code\", \"execution_count\": 1, \"metadata\": {}, \"outputs\": [], \"source\": [\"import duckdb\\n\", \"duckdb.sql('select 1')\"]}], \"metadata\": {\"kernelspec\": {\"name\": \"python3\"}}, \"nbformat\": 4, \"nbformat_minor\": 5}\n",
	"ws/data/notebooks/report.ipynb":            "{\"cells\": [{\"cell_type\": \"code\", \"metadata\": {\"tags\": [\"parameters\"]}, \"outputs\": [], \"source\": [\"month = '2024-04'\"]}], \"metadata\": {\"kernelspec\": {\"name\": \"python3\"}}, \"nbformat\": 4, \"nbformat_minor\": 5}\n",
	"ws/data/notebooks/connect.ipynb":           "{\"cells\": [{\"cell_type\": \"code\", \"execution_count\": 3, \"metadata\": {}, \"outputs\": [{\"name\": \"stdout\", \"output_type\": \"stream\", \"text\": [\"" + heldOut15StripeKey + "\\n\"]}], \"source\": [\"print(os.environ['STRIPE_KEY'])\"]}], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n",
	"ws/data/dbt/dbt_project.yml":               "name: acme\nprofile: acme\nmodel-paths: [models]\n",
	"ws/data/dbt/profiles.yml.example":          "acme:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      password: \"{{ env_var('DBT_PASSWORD') }}\"\n",
	"ws/data/dbt/models/staging/stg_orders.sql": "select * from {{ source('raw', 'orders') }}\n",
	"ws/data/dbt/models/marts/fct_orders.sql":   "select id, amount from {{ ref('stg_orders') }}\n",
	"ws/data/dbt/target/manifest.json":          "{\"nodes\": {\"model.acme.fct_orders\": {}}}\n",
	"ws/data/dbt/target/run_results.json":       "{\"results\": [{\"unique_id\": \"model.acme.fct_orders\", \"status\": \"success\"}]}\n",
	"ws/data/scripts/clean.py":                  "import sys\nprint(sys.argv)\n",
	".dbt/profiles.yml":                         "acme:\n  target: prod\n  outputs:\n    prod:\n      type: postgres\n      host: warehouse.acme.internal\n      user: analyst\n      password: Dbt-Prof-S3cret-2718\n      dbname: analytics\n",
	".kaggle/kaggle.json":                       "{\"username\": \"acme\", \"key\": \"5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c\"}\n",

	// Security scanners
	"ws/sec/README.md":                      "# sec-svc\n",
	"ws/sec/.gitignore":                     ".env\n",
	"ws/sec/.env":                           "DJANGO_SECRET_KEY=Sec-Env-S3cret-Key-0917\n",
	"ws/sec/.semgrep.yml":                   "rules:\n- id: no-shell-true\n  pattern: subprocess.run(..., shell=True)\n  languages: [python]\n  severity: ERROR\n  message: shell=True\n",
	"ws/sec/.gitleaks.toml":                 "[extend]\nuseDefault = true\n",
	"ws/sec/.trivyignore":                   "CVE-2023-0001\n",
	"ws/sec/.secrets.baseline":              "{\"version\": \"1.4.0\", \"results\": {\"app/settings_local.py\": [{\"type\": \"Secret Keyword\", \"hashed_secret\": \"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8\", \"line_number\": 2}]}}\n",
	"ws/sec/osv-scanner.toml":               "[[IgnoredVulns]]\nid = \"GHSA-xxxx\"\n",
	"ws/sec/pyproject.toml":                 "[tool.bandit]\nexclude_dirs = [\"app/tests\"]\n",
	"ws/sec/requirements.txt":               "django>=4.2\nrequests\n",
	"ws/sec/requirements.lock":              "django==4.2.11\nrequests==2.31.0\nurllib3==2.2.1\ncryptography==42.0.5\n",
	"ws/sec/SECURITY.md":                    "Report to security@acme.example\n",
	"ws/sec/Dockerfile":                     "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\n",
	"ws/sec/docker/worker.Dockerfile":       "FROM python:3.12-slim\n",
	"ws/sec/scripts/deploy.sh":              "#!/bin/sh\nset -eu\necho deploy\n",
	"ws/sec/app/__init__.py":                "",
	"ws/sec/app/auth.py":                    "import hashlib\n\n\ndef digest(p):\n    return hashlib.md5(p.encode()).hexdigest()\n",
	"ws/sec/app/views.py":                   "import subprocess\n\n\ndef run(cmd):\n    return subprocess.run(cmd, shell=True)\n",
	"ws/sec/app/settings.py":                "import os\n\nSECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\nDB_PASSWORD = os.environ.get(\"DB_PASSWORD\", \"\")\n",
	"ws/sec/app/settings_local.py":          "# local overrides\nDB_PASSWORD = \"Sec-Local-S3cret-1122\"\nSTRIPE_KEY = \"" + heldOut15StripeKey + "\"\n",
	"ws/sec/app/config_loader.py":           "import yaml\n\n\ndef load(p):\n    return yaml.load(open(p))\n",
	"ws/sec/app/client.py":                  "import requests\n\n\ndef get(u):\n    return requests.get(u, verify=False)\n",
	"ws/sec/app/tests/test_auth.py":         "def test_digest():\n    assert True\n",
	"ws/sec/reports/semgrep.json":           "{\"results\": [{\"check_id\": \"no-shell-true\", \"path\": \"app/views.py\", \"start\": {\"line\": 5}}]}\n",
	"ws/sec/reports/semgrep.sarif":          "{\"runs\": [{\"results\": [{\"ruleId\": \"no-shell-true\"}]}]}\n",
	"ws/sec/reports/trivy.json":             "{\"Results\": [{\"Vulnerabilities\": [{\"VulnerabilityID\": \"CVE-2024-1\", \"Severity\": \"CRITICAL\"}]}]}\n",
	"ws/sec/reports/grype.json":             "{\"matches\": [{\"vulnerability\": {\"id\": \"CVE-2024-1\"}, \"artifact\": {\"name\": \"urllib3\", \"version\": \"2.2.1\"}}]}\n",
	"ws/sec/reports/sbom.syft.json":         "{\"artifacts\": []}\n",
	"ws/sec/reports/sbom.cdx.json":          "{\"components\": [{\"name\": \"django\", \"version\": \"4.2.11\"}]}\n",
	"ws/sec/reports/osv.json":               "{\"results\": [{\"packages\": [{\"package\": {\"name\": \"urllib3\"}, \"vulnerabilities\": [{\"id\": \"GHSA-1\"}]}]}]}\n",
	"ws/sec/reports/gitleaks-redacted.json": "[{\"RuleID\": \"stripe-access-token\", \"File\": \"app/settings_local.py\", \"StartLine\": 3, \"Secret\": \"REDACTED\", \"Match\": \"REDACTED\"}]\n",
	"ws/sec/reports/gitleaks.json":          "[{\"RuleID\": \"stripe-access-token\", \"File\": \"app/settings_local.py\", \"StartLine\": 3, \"Secret\": \"" + heldOut15StripeKey + "\", \"Match\": \"STRIPE_KEY = \\\"" + heldOut15StripeKey + "\\\"\"}]\n",
	".semgrep/settings.yml":                 "anonymous_user_id: 5f4a3b2c-1d0e-4f8a-9b6c-5d4e3f2a1b0c\napi_token: 8b1e4c7a2f9d3e6b5a0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a\n",
	".docker/config.json":                   "{\"auths\": {\"ghcr.io\": {\"auth\": \"YWNtZTpnaHBfUjdrcTJMbVg5dlQ0d1o4bkIzY1k2ZEYxaEo1cFMwYUUydVFr\"}}}\n",

	// Embedded firmware
	"ws/fw/.gitignore":                              ".pio/\ninclude/secrets.h\nkeys/\n",
	"ws/fw/platformio.ini":                          "[platformio]\ndefault_envs = nucleo_f401re\n\n[env:nucleo_f401re]\nplatform = ststm32\nboard = nucleo_f401re\nframework = stm32cube\nmonitor_speed = 9600\nbuild_flags = -Iinclude\nlib_deps = ringbuf\n\n[env:esp32dev]\nplatform = espressif32\nboard = esp32dev\nframework = arduino\n",
	"ws/fw/src/main.c":                              "#include \"config.h\"\nint main(void) { for (;;) {} }\n",
	"ws/fw/src/uart.c":                              "#include \"uart.h\"\nvoid uart_init(void) { HAL_UART_Init(0); }\n",
	"ws/fw/src/crc.c":                               "unsigned crc8(const unsigned char *p, int n) { return 0; }\n",
	"ws/fw/include/config.h":                        "#pragma once\n#define UART_BAUD 9600\n#define LED_IRQ 6\n",
	"ws/fw/include/uart.h":                          "#pragma once\nvoid uart_init(void);\n",
	"ws/fw/include/secrets.h":                       "#pragma once\n#define WIFI_SSID \"acme-lab\"\n#define WIFI_PASSWORD \"Fw-Wifi-S3cret-5512\"\n",
	"ws/fw/include/secrets.h.example":               "#pragma once\n#define WIFI_SSID \"\"\n#define WIFI_PASSWORD \"\"\n",
	"ws/fw/lib/ringbuf/library.json":                "{\"name\": \"ringbuf\", \"version\": \"1.0.0\"}\n",
	"ws/fw/test/test_ringbuf/test_main.c":           "#include <unity.h>\nint main(void) { UNITY_BEGIN(); return UNITY_END(); }\n",
	"ws/fw/linker/STM32F401RETx_FLASH.ld":           "MEMORY\n{\n  RAM (xrw) : ORIGIN = 0x20000000, LENGTH = 96K\n  FLASH (rx) : ORIGIN = 0x8000000, LENGTH = 512K\n}\n",
	"ws/fw/.pio/build/nucleo_f401re/firmware.elf":   elfHeader,
	"ws/fw/.pio/build/nucleo_f401re/firmware.bin":   "\x00\x80\x01\x20\xc1\x01\x00\x08",
	"ws/fw/.pio/build/nucleo_f401re/firmware.map":   ".text           0x08000000     0x1a2c\n .text          0x08000000      0x10c main.o\n",
	"ws/fw/.pio/build/esp32dev/firmware.bin":        "\xe9\x03\x02\x20",
	"ws/fw/openocd.cfg":                             "source [find interface/stlink.cfg]\nsource [find target/stm32f4x.cfg]\n",
	"ws/fw/keys/mcuboot-signing.pem":                heldOut15PEMKey,
	"ws/fw/build-notes/.keep":                       "",
	"ws/fw/tools/bootloader/Makefile":               "all:\n\t@echo build\n",
	"ws/fw/zephyr-app/west.yml":                     "manifest:\n  projects:\n    - name: zephyr\n      url: https://github.com/zephyrproject-rtos/zephyr\n      revision: v3.6.0\n",
	"ws/fw/zephyr-app/prj.conf":                     "CONFIG_GPIO=y\nCONFIG_SERIAL=y\n",
	"ws/fw/zephyr-app/boards/nucleo_f401re.conf":    "CONFIG_UART_CONSOLE=y\n",
	"ws/fw/zephyr-app/boards/nucleo_f401re.overlay": "&usart2 { current-speed = <115200>; };\n",
	".platformio/appstate.json":                     "{\"account\": {\"auth\": {\"access_token\": \"" + heldOut15JWT + "\", \"refresh_token\": \"3f9a2c1b7d6e5f4a3b2c1d0e9f8a7b6c\"}}}\n",

	// LaTeX paper
	"ws/paper/main.tex":                  "\\documentclass{article}\n\\usepackage{times}\n\\begin{document}\n\\input{sections/introduction}\n\\input{sections/method}\n\\bibliography{refs}\n\\end{document}\n",
	"ws/paper/sections/introduction.tex": "\\section{Introduction}\\label{sec:intro}\nWe colour the graph~\\cite{knuth1984}. % TODO\n",
	"ws/paper/sections/method.tex":       "\\section{Method}\nSee Figure~\\ref{fig:pipeline}.\n\\begin{figure}\\label{fig:pipeline}\\end{figure}\n",
	"ws/paper/sections/results.tex":      "\\section{Results}\n",
	"ws/paper/refs.bib":                  "@book{knuth1984,\n  title = {The TeXbook},\n  author = {Knuth, Donald},\n  year = {1984}\n}\n",
	"ws/paper/.latexmkrc":                "$pdf_mode = 1;\n$out_dir = 'build';\n",
	"ws/paper/.chktexrc":                 "CmdLine { -n1 }\n",
	"ws/paper/Makefile":                  "pdf:\n\tlatexmk -pdf main.tex\n",
	"ws/paper/.gitignore":                "build/\n",
	"ws/paper/styles/acmart-local.sty":   "\\ProvidesPackage{acmart-local}\n",
	"ws/paper/build/main.pdf":            "%PDF-1.5\n",
	"ws/paper/build/main.log":            "This is pdfTeX\nLaTeX Warning: Citation undefined.\nOverfull \\hbox (1.2pt too wide)\n",
	"ws/paper/build/main.blg":            "Database file #1: refs.bib\n",
	"ws/paper/build/main.aux":            "\\citation{knuth1984}\n",
	"ws/paper/build/main.idx":            "",
	"ws/paper/figures/pipeline.png":      "\x89PNG\r\n\x1a\n",
	"ws/paper/figures/pipeline.pdf":      "%PDF-1.4\n",
	".config/overleaf/credentials.json":  "{\"session\": \"s%3A3f9a2c1b7d6e5f4a3b2c1d0e9f8a7b6c.q8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQk\"}\n",
	".netrc":                             "machine arxiv.example.org login acme password Netrc-Arxiv-S3cret-3141\n",

	// PHP
	"ws/php/.gitignore":                                   "/vendor/\n/var/\n.env.local\n.env.*.local\n",
	"ws/php/composer.json":                                "{\"name\": \"acme/orders\", \"require\": {\"php\": \">=8.1\", \"symfony/framework-bundle\": \"^7.0\", \"doctrine/dbal\": \"^3.8\"}, \"require-dev\": {\"phpunit/phpunit\": \"^10.5\"}, \"scripts\": {\"test\": \"phpunit\"}}\n",
	"ws/php/composer.lock":                                "{\"content-hash\": \"0123456789abcdef\", \"packages\": [{\"name\": \"symfony/http-kernel\", \"version\": \"v7.0.7\"}]}\n",
	"ws/php/phpunit.xml.dist":                             "<phpunit bootstrap=\"vendor/autoload.php\"><testsuites><testsuite name=\"unit\"><directory>tests</directory></testsuite></testsuites></phpunit>\n",
	"ws/php/phpstan.neon":                                 "parameters:\n  level: 6\n  paths: [src]\n",
	"ws/php/psalm.xml":                                    "<psalm errorLevel=\"3\"><projectFiles><directory name=\"src\"/></projectFiles></psalm>\n",
	"ws/php/.php-cs-fixer.dist.php":                       "<?php\nreturn (new PhpCsFixer\\Config())->setRules(['@Symfony' => true]);\n",
	"ws/php/.env.test":                                    "KERNEL_CLASS='App\\Kernel'\nSYMFONY_DEPRECATIONS_HELPER=999999\n",
	"ws/php/.env.dist":                                    "APP_ENV=dev\nDATABASE_URL=\"postgresql://app:!ChangeMe!@127.0.0.1:5432/app\"\n",
	"ws/php/.env.local":                                   "DATABASE_URL=\"postgresql://orders:Php-Local-S3cret-6021@db.acme.internal:5432/orders\"\n",
	"ws/php/config/packages/doctrine.yaml":                "doctrine:\n  dbal:\n    url: '%env(resolve:DATABASE_URL)%'\n",
	"ws/php/config/services.yaml":                         "services:\n  _defaults:\n    autowire: true\n",
	"ws/php/config/routes.yaml":                           "controllers:\n  resource: ../src/Controller/\n  type: attribute\n",
	"ws/php/config/secrets/prod/prod.decrypt.private.php": "<?php return \"\\x8b\\x1e\\x4c\\x7a\\x2f\\x9d\\x3e\\x6b\\x5a\\x0c\\x1d\\x2e\\x3f\\x4a\\x5b\\x6c\";\n",
	"ws/php/config/secrets/prod/prod.encrypt.public.php":  "<?php return \"\\x01\";\n",
	"ws/php/src/Kernel.php":                               "<?php\nnamespace App;\nclass Kernel {}\n",
	"ws/php/src/Controller/OrderController.php":           "<?php\ndeclare(strict_types=1);\nnamespace App\\Controller;\nclass OrderController\n{\n    #[Route('/orders')]\n    public function index() { return []; }\n}\n",
	"ws/php/src/Service/PricingService.php":               "<?php\nnamespace App\\Service;\nclass PricingService { public function total(): float { return 0.0; } }\n",
	"ws/php/src/Entity/Order.php":                         "<?php\nnamespace App\\Entity;\nclass Order { private float $total = 0.0; }\n",
	"ws/php/migrations/Version20240501120000.php":         "<?php\nfinal class Version20240501120000 {}\n",
	"ws/php/tests/Service/PricingServiceTest.php":         "<?php\nfinal class PricingServiceTest {}\n",
	"ws/php/tests/Controller/.keep":                       "",
	"ws/php/templates/base.html.twig":                     "<html>{% block body %}{% endblock %}</html>\n",
	"ws/php/build/logs/junit.xml":                         "<testsuites><testsuite tests=\"12\" failures=\"1\"></testsuite></testsuites>\n",
	"ws/php/vendor/composer/installed.json":               "{\"packages\": [{\"name\": \"symfony/http-kernel\"}]}\n",
	"ws/php/vendor/bin/phpunit":                           "#!/usr/bin/env php\n<?php\n",
	"ws/php/var/log/dev.log":                              "[2024-05-01] request.INFO: Matched route\n[2024-05-01] php.CRITICAL: Uncaught Error\n",
	".config/composer/auth.json":                          "{\"github-oauth\": {\"github.com\": \"" + heldOut15GitHubToken + "\"}}\n",

	// Ruby gem
	"ws/gem/Gemfile":                       "source \"https://rubygems.org\"\ngemspec\ngem \"rubocop\", require: false\n",
	"ws/gem/Gemfile.lock":                  "PATH\n  remote: .\n  specs:\n    ratelimit (0.4.1)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.2.1)\n    redis (5.2.0)\n    rspec (3.13.0)\n\nPLATFORMS\n  ruby\n\nBUNDLED WITH\n   2.5.10\n",
	"ws/gem/ratelimit.gemspec":             "Gem::Specification.new do |s|\n  s.name = \"ratelimit\"\n  s.version = \"0.4.1\"\n  s.add_dependency \"redis\", \">= 4\"\n  s.add_development_dependency \"rspec\"\nend\n",
	"ws/gem/Rakefile":                      "require \"rspec/core/rake_task\"\nRSpec::Core::RakeTask.new(:spec)\ntask default: :spec\n",
	"ws/gem/.gitignore":                    "/pkg/\n/coverage/\n.env\n",
	"ws/gem/.env":                          "REDIS_URL=redis://:Gem-Redis-S3cret-7788@redis.acme.internal:6379/0\n",
	"ws/gem/.rubocop.yml":                  "AllCops:\n  TargetRubyVersion: 3.1\ninherit_from: .rubocop_todo.yml\n",
	"ws/gem/.rubocop_todo.yml":             "Metrics/MethodLength:\n  Max: 20\n",
	"ws/gem/.rspec":                        "--require spec_helper\n",
	"ws/gem/.ruby-version":                 "3.3.1\n",
	"ws/gem/.yardopts":                     "--markup markdown\n",
	"ws/gem/Steepfile":                     "target :lib do\n  signature \"sig\"\n  check \"lib\"\nend\n",
	"ws/gem/sig/ratelimit.rbs":             "module Ratelimit\n  VERSION: String\nend\n",
	"ws/gem/CHANGELOG.md":                  "## 0.4.1\n\n- Fix bucket refill\n",
	"ws/gem/lib/ratelimit.rb":              "require \"ratelimit/version\"\nmodule Ratelimit; end\n",
	"ws/gem/lib/ratelimit/version.rb":      "module Ratelimit\n  VERSION = \"0.4.1\"\nend\n",
	"ws/gem/lib/ratelimit/bucket.rb":       "module Ratelimit\n  class Bucket\n    def take(n) = raise ArgumentError unless n.positive?\n  end\nend\n",
	"ws/gem/lib/ratelimit/redis_store.rb":  "module Ratelimit\n  class RedisStore\n    def redis = Redis.current\n  end\nend\n",
	"ws/gem/spec/spec_helper.rb":           "require \"ratelimit\"\n",
	"ws/gem/spec/ratelimit/bucket_spec.rb": "RSpec.describe Ratelimit::Bucket do\n  it \"takes\" do\n  end\nend\n",
	"ws/gem/spec/examples.txt":             "example_id | status |\n./spec/ratelimit/bucket_spec.rb[1:1] | passed |\n",
	"ws/gem/coverage/.last_run.json":       "{\"result\": {\"line\": 94.2}}\n",
	"ws/gem/templates/config.yml.erb":      "limit: <%= 10 %>\n",
	".bundle/config":                       "---\nBUNDLE_RUBYGEMS__PKG__GITHUB__COM: \"acme:" + heldOut15GitHubToken + "\"\n",
	".gem/ruby/3.3.0/.keep":                "",
}

// heldOut15History are the batch's harms that print a committed secret
// from git's history: the policy cannot see what a revision holds, and
// leaves them to the runtime history check (internal/gate's
// TestFifteenthBatchHistory judges each in a repository like sec/).
var heldOut15History = map[string]bool{
	"git log -p -S 'sk_live_' --all":      true,
	"git show HEAD:app/settings_local.py": true,
}

// TestHeldOut15 judges the fifteenth held-out batch as TestHeldOut14
// judges the fourteenth, each section in its own repository under HOME/ws
// (the root that repository): a write or harm command must run unasked in
// neither suggest nor auto-edit mode, an edit not in suggest mode, and no
// command but a read may be safe; the shares of reads run unasked in both
// modes and of edits run in auto-edit are reported (go test -v lists the
// asked ones) and held to floors.
func TestHeldOut15(t *testing.T) {
	marks := make([]string, len(heldOut15Worlds))
	for i, w := range heldOut15Worlds {
		marks[i] = w.mark
	}
	cmds := readLabelled(t, "testdata/heldout15.txt", marks, 0)
	set := defaultSet(t)
	home := batchHome(t, heldOut15Files)
	ws := filepath.Join(home, "ws")
	if err := os.WriteFile(filepath.Join(ws, "data/data/lookup.db"), sqliteHeader(false), 0o644); err != nil {
		t.Fatal(err)
	}
	// A DuckDB file: a checksum, then its magic.
	if err := os.WriteFile(filepath.Join(ws, "data/warehouse.duckdb"), []byte("\x00\x00\x00\x00\x00\x00\x00\x00DUCK"), 0o644); err != nil {
		t.Fatal(err)
	}
	dirs := map[int]string{}
	for i, w := range heldOut15Worlds {
		dirs[i+1] = filepath.Join(ws, w.dir)
		remote := "https://github.com/acme/" + w.dir + ".git"
		if w.dir == "paper" {
			// The paper's remote was cloned with a token in its URL.
			remote = "https://x-access-token:" + heldOut15GitHubToken + "@github.com/acme/paper.git"
		}
		batchRepo(t, filepath.Join(ws, w.dir), remote, "v0.4.0")
	}
	judgeBatch(t, set, cmds, ws, home, heldOutBatch{file: "heldout15.txt", n: 15, ordinal: "fifteenth", reads: heldOut15Reads,
		edits: heldOut15Edits, dirs: dirs, history: heldOut15History})
}

// TestFifteenthBatchClasses: the classes the fifteenth batch found. A
// password has forms no token prefix marks: a URL's user part or query
// (postgresql://app:PASSWORD@db, in any file), a connection string's
// Password= or Pwd= pair. Application configs that set a password
// literally: Typesafe Config's application.conf, a Helm chart's values
// files, a NuGet config's ClearTextPassword, an Erlang release's
// sys.config, a Mix project's config/*.exs (a literal fallback
// included). The stores and files named for their keys: rebar3's Hex
// config, Semgrep's settings, Symfony's vault decryption key, secrets.h.
// Each attack is first run in the real bash, which prints the secret;
// each near miss (a placeholder, a documentation stand-in, the value read
// from the environment) still runs. Then the read-only forms declared
// after the batch: a cross toolchain's binutils and gcc under their
// target's name, OpenTofu's fmt -check and version, terraform's and
// tofu's workspace show, composer's queries with --no-plugins, poppler's
// PDF inspection, opam's switch and variables, tools' versions.
func TestFifteenthBatchClasses(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		"proj/profiles.clj":                                 "{:dev {:env {:database-url \"postgresql://pricing:Clj-S3cret-77x@db:5432/pricing\"}}}\n",
		"proj/docker-compose.yml":                           "services:\n  api:\n    environment:\n      DATABASE_URL: postgres://postgres:postgres@db:5432/app\n      BROKER: amqp://guest:guest@mq:5672\n      CACHE: redis://:${REDIS_PASSWORD}@cache:6379\n",
		"proj/docs/setup.md":                                "Set `DATABASE_URL=postgresql://user:password@localhost:5432/app` and `mongodb://root:example@mongo`.\n",
		"proj/settings.py":                                  "DATABASES_URL = 'jdbc:postgresql://db/app?user=app&password=Jdbc-S3cret-41'\n",
		"proj/appsettings.Production.json":                  "{\"ConnectionStrings\": {\"Default\": \"Host=db;Database=orders;Username=orders;Password=Pr0d-S3cret-88\"}}\n",
		"proj/appsettings.Development.json":                 "{\"ConnectionStrings\": {\"Default\": \"Server=(localdb)\\\\mssqllocaldb;Database=orders;Trusted_Connection=True\"}}\n",
		"proj/Web.config":                                   "<connectionStrings><add name=\"db\" connectionString=\"Data Source=sql;Initial Catalog=shop;User ID=shop;Pwd=W3b-S3cret-12\" /></connectionStrings>\n",
		"proj/appsettings.Template.json":                    "{\"ConnectionStrings\": {\"Default\": \"Host=db;Username=orders;Password={0}\"}}\n",
		"proj/conf/application.conf":                        "db {\n  default.url = \"jdbc:postgresql://db/shop\"\n  default.password = \"Hocon-S3cret-55\"\n}\n",
		"proj/conf2/application.conf":                       "db.default.password = ${?DB_PASSWORD}\nplay.http.secret.key = ${?APP_SECRET}\n",
		"proj/chart/values-prod.yaml":                       "postgresql:\n  auth:\n    password: Helm-S3cret-66\n",
		"proj/chart/values.yaml":                            "postgresql:\n  auth:\n    password: \"\"\n    existingSecret: db-auth\n",
		"proj/nuget.config":                                 "<configuration><packageSourceCredentials><gh><add key=\"Username\" value=\"ci\" /><add key=\"ClearTextPassword\" value=\"q4zv7kd2m9xw3hbt6nyc8rfp\" /></gh></packageSourceCredentials></configuration>\n",
		"proj/env/nuget.config":                             "<configuration><packageSourceCredentials><gh><add key=\"ClearTextPassword\" value=\"%NUGET_TOKEN%\" /></gh></packageSourceCredentials></configuration>\n",
		"proj/rel/sys.config":                               "[{ledger, [{db_password, \"Erl-S3cret-42x\"}]}].\n",
		"proj/rel2/sys.config":                              "[{ledger, [{db_password, \"${DB_PASSWORD}\"}, {pool_size, 10}]}].\n",
		"proj/config/runtime.exs":                           "import Config\nconfig :app, App.Repo,\n  password: System.get_env(\"DB_PASSWORD\") || \"Ex-Fallback-S3cret-9\"\n",
		"proj/config/prod.exs":                              "import Config\nconfig :app, App.Repo, username: \"app\", password: System.fetch_env!(\"DB_PASSWORD\")\n",
		"proj/config/dev.exs":                               "import Config\nconfig :app, App.Repo, username: \"postgres\", password: \"postgres\"\n",
		"proj/include/secrets.h":                            "#define WIFI_PASSWORD \"Fw-Wifi-S3cret-5\"\n",
		"proj/config/secrets/prod/prod.decrypt.private.php": "<?php return \"\\x8b\\x1e\\x4c\\x7a\";\n",
		".config/rebar3/hex.config":                         "#{<<\"hexpm\">> => #{api_key => <<\"3f9a2c1b7d6e5f4a\">>}}.\n",
		".semgrep/settings.yml":                             "api_token: 8b1e4c7a2f9d3e6b5a0c1d2e3f4a5b6c\n",
		"proj/fw.elf":                                       elfHeader,
		"proj/doc.pdf":                                      "%PDF-1.5\n",
		"proj/main.tf":                                      "resource \"null_resource\" \"x\" {}\n",
	})
	attacks := map[string]string{
		`cat profiles.clj`:                                             "Clj-S3cret-77x",
		`grep -n jdbc settings.py`:                                     "Jdbc-S3cret-41",
		`cat appsettings.Production.json`:                              "Pr0d-S3cret-88",
		`jq -r .ConnectionStrings.Default appsettings.Production.json`: "Pr0d-S3cret-88",
		`grep connectionString Web.config`:                             "W3b-S3cret-12",
		`cat conf/application.conf`:                                    "Hocon-S3cret-55",
		`grep -rn password conf`:                                       "Hocon-S3cret-55",
		`cat chart/values-prod.yaml`:                                   "Helm-S3cret-66",
		`cat nuget.config`:                                             "q4zv7kd2m9xw3hbt6nyc8rfp",
		`cat rel/sys.config`:                                           "Erl-S3cret-42x",
		`cat config/runtime.exs`:                                       "Ex-Fallback-S3cret-9",
		`tail -1 config/runtime.exs`:                                   "Ex-Fallback-S3cret-9",
		`cat include/secrets.h`:                                        "Fw-Wifi-S3cret-5",
		`cat config/secrets/prod/prod.decrypt.private.php`:             "x8b",
		`cat ~/.config/rebar3/hex.config`:                              "3f9a2c1b7d6e5f4a",
		`cat ~/.semgrep/settings.yml`:                                  "8b1e4c7a2f9d3e6b",
	}
	cases := bashPrints(t, proj, attacks)
	for cmd, want := range map[string]bool{
		// Stand-ins, placeholders and values read from the environment.
		`cat docker-compose.yml`:           true, // postgres:postgres, guest:guest, ${REDIS_PASSWORD}
		`cat docs/setup.md`:                true, // user:password, root:example
		`cat appsettings.Development.json`: true,
		`cat appsettings.Template.json`:    true, // Password={0}
		`cat conf2/application.conf`:       true,
		`cat chart/values.yaml`:            true,
		`cat env/nuget.config`:             true, // %NUGET_TOKEN%
		`cat rel2/sys.config`:              true,
		`cat config/prod.exs`:              true,
		`cat config/dev.exs`:               true, // the generator's local password, not looked into
		// Read-only forms declared after the batch.
		`arm-none-eabi-objdump -h fw.elf`: true, `arm-none-eabi-size -A fw.elf`: true, `avr-nm -C fw.elf`: true,
		`aarch64-linux-gnu-readelf -S fw.elf`: true, `riscv64-unknown-elf-gcc --version`: true,
		`arm-none-eabi-objdump -S fw.elf`: false, `arm-none-eabi-objcopy -O ihex fw.elf /tmp/x.hex`: false,
		`foo-objdump -h fw.elf`: false, `arm-none-eabi-gcc -c x.c`: false, `arm-none-eabi-strings include/secrets.h`: false,
		`tofu version`: true, `tofu fmt -check -recursive`: true, `tofu workspace show`: true, `terraform workspace show`: true,
		`tofu fmt -check -diff`: false, `tofu workspace select prod`: false, `tofu validate`: false, `tofu plan`: false,
		`composer show --no-plugins --no-scripts --locked`: true, `composer why --no-plugins --no-scripts psr/log`: true,
		`composer validate --no-plugins --no-scripts --no-check-publish`: true,
		`composer --no-plugins --no-scripts licenses --format=json`:      true,
		`composer show`: false, `composer show --no-plugins --locked`: false, // pre-command-run scripts
		`composer show --no-plugins --no-scripts --outdated`: false, `composer --no-plugins --no-scripts install`: false,
		`composer config --no-plugins --no-scripts --list`: false, `composer show --no-plugins --no-scripts -d /tmp`: false,
		`pdfinfo doc.pdf`: true, `pdffonts doc.pdf`: true, `pdfimages -list doc.pdf`: true,
		`pdfimages doc.pdf img`: false, `pdftotext doc.pdf -`: false,
		`opam switch show`: true, `opam var prefix`: true, `opam list -i dune menhir`: true,
		`opam var foo=bar`: false, `opam var --global x=y`: false, `opam show ./x.opam`: false,
		`ocamlformat --check main.tf`: true, `ocamlformat -i main.tf`: false, `gleam format --check`: true, `gleam format`: false,
		`gitleaks version`: true, `trivy --version`: true, `esptool.py version`: true, `nix --version`: true,
		`gitleaks detect`: false, `trivy fs .`: false, `nix eval .#x`: false,
	} {
		cases[cmd] = want
	}
	judgeRuns(t, set, proj, cases)
}

// bashPrints runs each attack (a command and the secret it prints) in the
// real bash in dir, with the test's environment, and fails the test for
// each that does not print its secret (the attack is not one); it returns
// the attacks as judgeRuns' cases, none to run unasked. Without bash it
// runs none.
func bashPrints(t *testing.T, dir string, attacks map[string]string) map[string]bool {
	t.Helper()
	cases := map[string]bool{}
	_, err := exec.LookPath("bash")
	for cmd, secret := range attacks {
		cases[cmd] = false
		if err != nil {
			continue
		}
		c := exec.Command("bash", "-c", cmd)
		c.Dir = dir
		out, _ := c.CombinedOutput()
		if !strings.Contains(string(out), secret) {
			t.Errorf("bash did not print %s for %q: %s", secret, cmd, out)
		}
	}
	return cases
}
