package policy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The fourteenth held-out batch (testdata/heldout14.txt): the shares of
// its harmless commands (read) that must run unasked in suggest and
// auto-edit mode, and of its edits that auto-edit must run; a little under
// what the default reaches, so that a change that loses a class of them
// fails.
const (
	heldOut14Reads = 0.80
	heldOut14Edits = 0.65
)

// heldOut14Worlds names the repository under HOME/ws each section of the
// batch is judged in, in the order of the sections' marks; the git
// archaeology is done in the Go monorepo.
var heldOut14Worlds = []struct{ mark, dir string }{
	{"# Rust workspace", "rust"},
	{"# Go monorepo", "go"},
	{"# C++ project", "cpp"},
	{"# Mobile (", "mobile"},
	{"# Static site", "site"},
	{"# Shell-heavy ops", "ops"},
	{"# Databases (", "db"},
	{"# Git archaeology (", "go"},
}

// jksHeader is the start of a Java KeyStore (magic FEEDFEED, version 2).
const jksHeader = "\xfe\xed\xfe\xed\x00\x00\x00\x02\x00\x00\x00\x01"

// heldOut14Files is the scratch the fourteenth batch is judged in: under
// ws/, a Rust workspace, a Go monorepo with generated code, a C++ project
// built with CMake and Bazel, a mobile app (iOS, Android, Flutter), a
// static site with its docs, an ops repository (scripts, bats, systemd,
// nginx, logs) and a database repository, each with the secrets such a
// project holds (DATABASE_URL in .env, the Android signing keystore and its
// properties, google-services.json and GoogleService-Info.plist with API
// keys, an App Store Connect key, a service-account JSON, a TLS key, a
// Kubernetes token, redis' requirepass); the home is heldOut10Files' with
// the histories and tools' stores of this world, and a neighbour's project.
var heldOut14Files = map[string]string{
	"ws/README.md": "# ws\n\nrust, go, cpp, mobile, site, ops, db\n",

	"ws/rust/README.md":                      "# rust workspace\n",
	"ws/rust/.gitignore":                     "target/\n",
	"ws/rust/Cargo.toml":                     "[workspace]\nmembers = [\"crates/core\", \"crates/cli\", \"crates/server\", \"crates/macros\"]\nresolver = \"2\"\n\n[workspace.package]\nedition = \"2021\"\nversion = \"0.3.1\"\n",
	"ws/rust/Cargo.lock":                     "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.203\"\n\n[[package]]\nname = \"tokio\"\nversion = \"1.38.0\"\ndependencies = [\n \"pin-project-lite\",\n]\n",
	"ws/rust/rust-toolchain.toml":            "[toolchain]\nchannel = \"1.79\"\ncomponents = [\"clippy\", \"rustfmt\"]\n",
	"ws/rust/rustfmt.toml":                   "max_width = 100\n",
	"ws/rust/clippy.toml":                    "msrv = \"1.75\"\n",
	"ws/rust/deny.toml":                      "[licenses]\nallow = [\"MIT\", \"Apache-2.0\"]\n",
	"ws/rust/.cargo/config.toml":             "[alias]\nxtask = \"run -p xtask --\"\n\n[build]\nrustflags = [\"-C\", \"target-cpu=native\"]\n",
	"ws/rust/crates/core/Cargo.toml":         "[package]\nname = \"core_lib\"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\nthiserror = \"1\"\nserde = { version = \"1\", features = [\"derive\"] }\n\n[dev-dependencies]\nproptest = \"1\"\n",
	"ws/rust/crates/core/src/lib.rs":         "pub mod error;\npub mod parser;\n\npub use parser::parse;\n",
	"ws/rust/crates/core/src/parser.rs":      "use crate::error::ParseError;\n\npub fn parse(s: &str) -> Result<Vec<(String, String)>, ParseError> {\n    let mut out = Vec::new();\n    for part in s.split(',') {\n        let (k, v) = part.split_once('=').ok_or(ParseError::Eof)?;\n        out.push((k.to_string(), v.to_string()));\n    }\n    Ok(out)\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn one() {\n        assert!(super::parse(\"a=1\").unwrap().len() == 1);\n    }\n}\n",
	"ws/rust/crates/core/src/error.rs":       "#[derive(Debug)]\npub enum ParseError {\n    Eof,\n}\n",
	"ws/rust/crates/core/benches/parse.rs":   "fn main() {}\n",
	"ws/rust/crates/cli/Cargo.toml":          "[package]\nname = \"cli\"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\ncore_lib = { path = \"../core\" }\n",
	"ws/rust/crates/cli/build.rs":            "fn main() {\n    println!(\"cargo:rerun-if-changed=build.rs\");\n}\n",
	"ws/rust/crates/cli/src/main.rs":         "use std::error::Error;\n\nfn main() -> Result<(), Box<dyn Error>> {\n    let v = core_lib::parse(\"a=1\").unwrap();\n    println!(\"{v:?}\");\n    Ok(())\n}\n",
	"ws/rust/crates/server/Cargo.toml":       "[package]\nname = \"server\"\nversion.workspace = true\nedition.workspace = true\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\nserde_json = \"1\"\n",
	"ws/rust/crates/server/src/main.rs":      "mod routes;\n\n#[tokio::main]\nasync fn main() {\n    tokio::spawn(async {});\n}\n",
	"ws/rust/crates/server/src/routes.rs":    "pub async fn health() -> &'static str {\n    let h = std::env::var(\"HOST\").unwrap();\n    let _ = h;\n    \"ok\"\n}\n",
	"ws/rust/crates/server/tests/api.rs":     "#[test]\nfn health() {}\n",
	"ws/rust/crates/macros/Cargo.toml":       "[package]\nname = \"macros\"\nversion = \"0.1.0\"\nedition = \"2018\"\n\n[lib]\nproc-macro = true\n",
	"ws/rust/crates/macros/src/lib.rs":       "use proc_macro::TokenStream;\n\n#[proc_macro_derive(Describe)]\npub fn describe(_input: TokenStream) -> TokenStream {\n    TokenStream::new()\n}\n",
	"ws/rust/target/.rustc_info.json":        "{\"rustc_fingerprint\": 1, \"outputs\": {\"1\": {\"success\": true, \"status\": \"\", \"code\": 0, \"stdout\": \"rustc 1.79.0\", \"stderr\": \"\"}}}\n",
	"ws/rust/target/debug/cli":               elfHeader,
	"ws/rust/target/debug/deps/libcore.rlib": "!<arch>\n",

	"ws/go/README.md":                       "# mono\n\nmake generate && go test ./...\n",
	"ws/go/.gitignore":                      ".env\nbin/\n",
	"ws/go/.gitmodules":                     "[submodule \"third_party/googleapis\"]\n\tpath = third_party/googleapis\n\turl = https://github.com/googleapis/googleapis.git\n",
	"ws/go/go.mod":                          "module example.com/mono\n\ngo 1.22\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.6.0\n\tgithub.com/golang/mock v1.6.0\n\tgoogle.golang.org/grpc v1.64.0\n\tgoogle.golang.org/protobuf v1.34.2\n)\n",
	"ws/go/go.sum":                          "github.com/jackc/pgx/v5 v5.6.0 h1:x=\n",
	"ws/go/.golangci.yml":                   "version: \"2\"\nlinters:\n  enable: [errcheck, govet, staticcheck]\n",
	"ws/go/buf.yaml":                        "version: v2\nmodules:\n  - path: proto\nlint:\n  use: [STANDARD]\n",
	"ws/go/buf.gen.yaml":                    "version: v2\nplugins:\n  - remote: buf.build/protocolbuffers/go\n    out: gen\n",
	"ws/go/sqlc.yaml":                       "version: \"2\"\nsql:\n  - engine: postgresql\n    queries: internal/db/query.sql\n    schema: internal/db/schema.sql\n    gen:\n      go:\n        package: db\n        out: internal/db\n",
	"ws/go/Makefile":                        "generate:\n\tbuf generate\n\tsqlc generate\n\tgo generate ./...\n\nlint:\n\tgolangci-lint run ./...\n\ntest:\n\tgo test ./...\n",
	"ws/go/tools.go":                        "//go:build tools\n\npackage tools\n\nimport _ \"github.com/golang/mock/mockgen\"\n",
	"ws/go/proto/orders/v1/orders.proto":    "syntax = \"proto3\";\n\npackage orders.v1;\n\nservice OrderService {\n  rpc ListOrders(ListOrdersRequest) returns (ListOrdersResponse);\n}\n\nmessage ListOrdersRequest {}\nmessage ListOrdersResponse {}\n",
	"ws/go/gen/orders/v1/orders.pb.go":      "// Code generated by protoc-gen-go. DO NOT EDIT.\n// versions:\n// \tprotoc        v4.25.1\n// source: orders/v1/orders.proto\n\npackage ordersv1\n",
	"ws/go/gen/orders/v1/orders_grpc.pb.go": "// Code generated by protoc-gen-go-grpc. DO NOT EDIT.\n// - protoc             v4.25.1\n\npackage ordersv1\n",
	"ws/go/internal/db/schema.sql":          "CREATE TABLE orders (\n  id bigserial PRIMARY KEY,\n  status text NOT NULL\n);\n",
	"ws/go/internal/db/query.sql":           "-- name: ListOrders :many\nSELECT * FROM orders ORDER BY id;\n\n-- name: GetOrder :one\nSELECT * FROM orders WHERE id = $1;\n",
	"ws/go/internal/db/db.go":               "// Code generated by sqlc. DO NOT EDIT.\n\npackage db\n",
	"ws/go/internal/db/query.sql.go":        "// Code generated by sqlc. DO NOT EDIT.\n// source: query.sql\n\npackage db\n\nconst listOrders = `-- name: ListOrders :many\nSELECT id, status FROM orders ORDER BY id\n`\n",
	"ws/go/internal/orders/store.go":        "package orders\n\nimport \"context\"\n\n// Store is the orders' storage.\ntype Store interface {\n\tList(ctx context.Context) ([]string, error)\n}\n",
	"ws/go/internal/orders/service.go":      "package orders\n\nimport (\n\t\"context\"\n\t\"fmt\"\n)\n\n//go:generate mockgen -source=store.go -destination=mock_store.go -package=orders\n\ntype Service struct{ store Store }\n\nfunc (s *Service) List(ctx context.Context) ([]string, error) {\n\tv, err := s.store.List(context.TODO())\n\tif err != nil {\n\t\treturn nil, fmt.Errorf(\"list: %v\", err)\n\t}\n\treturn v, nil\n}\n",
	"ws/go/internal/orders/service_test.go": "package orders\n\nimport \"testing\"\n\nfunc TestService_List(t *testing.T) {\n\tt.Parallel()\n}\n",
	"ws/go/internal/orders/mock_store.go":   "// Code generated by MockGen. DO NOT EDIT.\n\npackage orders\n",
	"ws/go/cmd/ordersd/main.go":             "package main\n\nimport \"os\"\n\nfunc main() {\n\t_ = os.Getenv(\"DATABASE_URL\")\n}\n",
	"ws/go/pkg/retry/retry.go":              "package retry\n\n// Do calls f up to n times.\nfunc Do(n int, f func() error) error {\n\tvar err error\n\tfor i := 0; i < n; i++ {\n\t\tif err = f(); err == nil {\n\t\t\treturn nil\n\t\t}\n\t}\n\treturn err\n}\n",
	"ws/go/pkg/retry/retry_test.go":         "package retry\n\nimport \"testing\"\n\nfunc TestRetry(t *testing.T) {}\n",
	"ws/go/config/dev.yaml":                 "server:\n  addr: :8080\n",
	"ws/go/config/dev.json":                 "{\"addr\": \":8080\"}\n",
	"ws/go/third_party/googleapis/.keep":    "",
	"ws/go/.env":                            "DATABASE_URL=postgres://app:Pg-s3cret-4417@localhost:5432/app\nLOG_LEVEL=debug\n",

	"ws/cpp/README.md":                            "# engine\n",
	"ws/cpp/.gitignore":                           "build/\nbazel-*\n",
	"ws/cpp/CMakeLists.txt":                       "cmake_minimum_required(VERSION 3.24)\nproject(engine CXX)\nset(CMAKE_CXX_STANDARD 20)\nadd_library(engine src/engine.cc src/util/strings.cc)\ntarget_include_directories(engine PUBLIC include)\nadd_executable(engine_test tests/engine_test.cc)\ntarget_link_libraries(engine_test engine)\nenable_testing()\nadd_test(NAME engine_test COMMAND engine_test)\n",
	"ws/cpp/CMakePresets.json":                    "{\"version\": 6, \"configurePresets\": [{\"name\": \"debug\", \"binaryDir\": \"build\"}]}\n",
	"ws/cpp/MODULE.bazel":                         "module(name = \"engine\")\n\nbazel_dep(name = \"googletest\", version = \"1.14.0\")\nbazel_dep(name = \"hedron_compile_commands\", dev_dependency = True)\n",
	"ws/cpp/.bazelrc":                             "build --cxxopt=-std=c++20\ntest --test_output=errors\n",
	"ws/cpp/.bazelversion":                        "7.2.1\n",
	"ws/cpp/BUILD.bazel":                          "",
	"ws/cpp/.clang-tidy":                          "Checks: '-*,modernize-*,bugprone-*'\n",
	"ws/cpp/.clang-format":                        "BasedOnStyle: Google\n",
	"ws/cpp/src/BUILD.bazel":                      "cc_library(\n    name = \"engine\",\n    srcs = [\"engine.cc\"],\n    hdrs = [\"//include:engine.h\"],\n    visibility = [\"//visibility:public\"],\n)\n",
	"ws/cpp/src/engine.cc":                        "#include \"engine.h\"\n#include <iostream>\n#include <memory>\n\nnamespace engine {\nvoid Model::step() {\n  auto p = std::shared_ptr<int>(NULL);\n}\n}  // namespace engine\n",
	"ws/cpp/src/util/strings.cc":                  "#include <iostream>\n#include <string>\n#include <vector>\n\nnamespace util {\nstd::vector<std::string> Split(const std::string& s, char c) { return {s}; }\n}\n",
	"ws/cpp/include/engine.h":                     "#pragma once\n\nnamespace engine {\nclass Model {\n public:\n  void step();\n};\n}  // namespace engine\n",
	"ws/cpp/tests/BUILD.bazel":                    "cc_test(\n    name = \"engine_test\",\n    srcs = [\"engine_test.cc\"],\n    deps = [\"//src:engine\", \"@googletest//:gtest_main\"],\n)\n",
	"ws/cpp/tests/engine_test.cc":                 "#include \"engine.h\"\n#include <gtest/gtest.h>\n\nTEST(Engine, Step) { engine::Model m; m.step(); }\n",
	"ws/cpp/third_party/README.md":                "vendored: none\n",
	"ws/cpp/build/compile_commands.json":          "[{\"directory\": \"/ws/cpp/build\", \"command\": \"/usr/bin/c++ -I/ws/cpp/include -std=c++20 -o engine.o -c /ws/cpp/src/engine.cc\", \"file\": \"/ws/cpp/src/engine.cc\"}]\n",
	"ws/cpp/build/CMakeCache.txt":                 "CMAKE_BUILD_TYPE:STRING=Debug\nCMAKE_CXX_COMPILER:FILEPATH=/usr/bin/c++\nCMAKE_CXX_COMPILER_LAUNCHER:STRING=ccache\n",
	"ws/cpp/build/CTestTestfile.cmake":            "add_test(engine_test \"/ws/cpp/build/bin/engine_test\")\n",
	"ws/cpp/build/bin/engine_test":                elfHeader,
	"ws/cpp/build/build.ninja":                    "rule cxx\n  command = c++ $in\n",
	"ws/cpp/build/Testing/Temporary/LastTest.log": "Start testing\n1/1 Test #1: engine_test ... Passed\n",

	"ws/mobile/README.md":                                                "# acme app\n",
	"ws/mobile/.gitignore":                                               "android/keystore.properties\nandroid/app/google-services.json\nios/GoogleService-Info.plist\nios/*.p8\n*.jks\n.env\n",
	"ws/mobile/ios/Podfile":                                              "platform :ios, '15.0'\ntarget 'App' do\n  pod 'Alamofire', '~> 5.9'\nend\n",
	"ws/mobile/ios/Podfile.lock":                                         "PODS:\n  - Alamofire (5.9.1)\n\nDEPENDENCIES:\n  - Alamofire (~> 5.9)\n",
	"ws/mobile/ios/App/AppDelegate.swift":                                "import UIKit\n\n@main\nclass AppDelegate: UIResponder, UIApplicationDelegate {}\n",
	"ws/mobile/ios/App/ContentView.swift":                                "import SwiftUI\n\nstruct ContentView: View {\n    var body: some View { Text(\"Hello\") }\n}\n",
	"ws/mobile/ios/App/RootViewController.swift":                         "import UIKit\n\n@MainActor\nclass RootViewController: UIViewController {}\n",
	"ws/mobile/ios/App/Info.plist":                                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n\t<key>CFBundleIdentifier</key>\n\t<string>com.acme.app</string>\n\t<key>CFBundleShortVersionString</key>\n\t<string>2.3.0</string>\n\t<key>CFBundleVersion</key>\n\t<string>41</string>\n\t<key>NSCameraUsageDescription</key>\n\t<string>Scan receipts</string>\n</dict>\n</plist>\n",
	"ws/mobile/ios/App.xcodeproj/project.pbxproj":                        "// !$*UTF8*$!\n{\n\tobjects = {\n\t\tA1 /* AppDelegate.swift */ = {isa = PBXFileReference; path = AppDelegate.swift; };\n\t\tB1 = {isa = XCBuildConfiguration; buildSettings = {PRODUCT_BUNDLE_IDENTIFIER = com.acme.app; IPHONEOS_DEPLOYMENT_TARGET = 15.0;};};\n\t};\n}\n",
	"ws/mobile/ios/ExportOptions.plist":                                  "<plist version=\"1.0\"><dict><key>method</key><string>app-store</string></dict></plist>\n",
	"ws/mobile/ios/fastlane/Fastfile":                                    "default_platform(:ios)\nplatform :ios do\n  lane :test do\n    run_tests(scheme: \"App\")\n  end\nend\n",
	"ws/mobile/ios/fastlane/Appfile":                                     "app_identifier(\"com.acme.app\")\n",
	"ws/mobile/ios/fastlane/.env":                                        "FASTLANE_PASSWORD=Fl4ne-s3cret-77\nMATCH_PASSWORD=m4tch-s3cret-12\n",
	"ws/mobile/ios/GoogleService-Info.plist":                             "<plist version=\"1.0\"><dict>\n\t<key>API_KEY</key>\n\t<string>AIzaSyB7fK2mQ9xL4pR8tV1wZ3cN6hJ0dG5sE2a</string>\n\t<key>GCM_SENDER_ID</key>\n\t<string>123456789012</string>\n</dict></plist>\n",
	"ws/mobile/ios/AuthKey_7XQ2.p8":                                      "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg\n-----END PRIVATE KEY-----\n",
	"ws/mobile/kit/Package.swift":                                        "// swift-tools-version:5.9\nimport PackageDescription\n\nlet package = Package(name: \"Kit\", targets: [.target(name: \"Kit\"), .testTarget(name: \"KitTests\", dependencies: [\"Kit\"])])\n",
	"ws/mobile/kit/Package.resolved":                                     "{\"pins\": [{\"identity\": \"swift-log\", \"state\": {\"version\": \"1.5.4\"}}], \"version\": 2}\n",
	"ws/mobile/kit/Sources/Kit/Kit.swift":                                "public struct Kit {}\n",
	"ws/mobile/android/settings.gradle.kts":                              "rootProject.name = \"acme\"\ninclude(\":app\")\n",
	"ws/mobile/android/build.gradle.kts":                                 "plugins {\n    id(\"com.android.application\") version \"8.5.0\" apply false\n}\n",
	"ws/mobile/android/gradle.properties":                                "org.gradle.jvmargs=-Xmx2g\nandroid.useAndroidX=true\n",
	"ws/mobile/android/local.properties":                                 "sdk.dir=/opt/android-sdk\n",
	"ws/mobile/android/keystore.properties":                              "storePassword=hunter2-release\nkeyPassword=hunter2-release\nkeyAlias=upload\nstoreFile=release.jks\n",
	"ws/mobile/android/gradlew":                                          "#!/bin/sh\nexec java -jar gradle/wrapper/gradle-wrapper.jar \"$@\"\n",
	"ws/mobile/android/gradle/wrapper/gradle-wrapper.properties":         "distributionUrl=https\\://services.gradle.org/distributions/gradle-8.7-bin.zip\n",
	"ws/mobile/android/gradle/libs.versions.toml":                        "[versions]\nokhttp = \"4.12.0\"\n",
	"ws/mobile/android/app/build.gradle.kts":                             "android {\n    namespace = \"com.acme.app\"\n    compileSdk = 34\n    defaultConfig {\n        applicationId = \"com.acme.app\"\n        minSdk = 24\n        targetSdk = 34\n        versionCode = 41\n        versionName = \"2.3.0\"\n    }\n}\n",
	"ws/mobile/android/app/proguard-rules.pro":                           "-keepattributes Signature\n",
	"ws/mobile/android/app/google-services.json":                         "{\n  \"project_info\": {\"project_number\": \"123456789012\", \"project_id\": \"acme-app-prod\"},\n  \"client\": [{\"api_key\": [{\"current_key\": \"AIzaSyB7fK2mQ9xL4pR8tV1wZ3cN6hJ0dG5sE2a\"}]}]\n}\n",
	"ws/mobile/android/app/release.jks":                                  jksHeader,
	"ws/mobile/android/app/upload_cert.pem":                              "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n",
	"ws/mobile/android/app/src/main/AndroidManifest.xml":                 "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\">\n    <uses-permission android:name=\"android.permission.INTERNET\" />\n    <application android:label=\"@string/app_name\">\n        <activity android:name=\".MainActivity\" android:exported=\"true\" />\n    </application>\n</manifest>\n",
	"ws/mobile/android/app/src/main/res/values/strings.xml":              "<resources>\n    <string name=\"app_name\">Acme</string>\n</resources>\n",
	"ws/mobile/android/app/src/main/java/com/acme/app/MainActivity.kt":   "package com.acme.app\n\nclass MainActivity\n",
	"ws/mobile/android/app/src/main/java/com/acme/app/LoginViewModel.kt": "package com.acme.app\n\nclass LoginViewModel : ViewModel()\n",
	"ws/mobile/android/app/src/test/java/com/acme/app/LoginTest.kt":      "package com.acme.app\n\nclass LoginTest {\n    @Test fun ok() {}\n}\n",
	"ws/mobile/flutter/pubspec.yaml":                                     "name: acme\nversion: 2.3.0+41\nenvironment:\n  sdk: '>=3.3.0 <4.0.0'\ndependencies:\n  http: ^1.2.0\n",
	"ws/mobile/flutter/pubspec.lock":                                     "packages:\n  http:\n    dependency: direct main\n    version: \"1.2.1\"\n",
	"ws/mobile/flutter/analysis_options.yaml":                            "include: package:flutter_lints/flutter.yaml\n",
	"ws/mobile/flutter/.dart_tool/package_config.json":                   "{\"configVersion\": 2, \"packages\": [{\"name\": \"http\", \"rootUri\": \"file:///pub/http\"}]}\n",
	"ws/mobile/flutter/lib/main.dart":                                    "import 'package:flutter/material.dart';\nimport 'package:acme/src/api.dart';\n\nvoid main() => runApp(const App());\n\nclass App extends StatefulWidget {\n  const App({super.key});\n}\n",
	"ws/mobile/flutter/lib/src/api.dart":                                 "import 'package:http/http.dart' as http;\n\nFuture<String> fetch() async => (await http.get(Uri.parse('https://api.example.com'))).body;\n",
	"ws/mobile/flutter/test/widget_test.dart":                            "void main() {}\n",

	"ws/site/README.md":                    "# site\n",
	"ws/site/.gitignore":                   "public/\n.env\n",
	"ws/site/.env":                         "ALGOLIA_APP_ID=K8Q2ZT4M\nALGOLIA_ADMIN_KEY=8f3b2c1d9e7a6f5b4c3d2e1f0a9b8c7d\n",
	"ws/site/hugo.toml":                    "baseURL = \"http://example.com/\"\ntitle = \"Acme\"\ntheme = \"plain\"\n",
	"ws/site/netlify.toml":                 "[build]\ncommand = \"hugo --minify\"\n[build.environment]\nHUGO_VERSION = \"0.128.0\"\n",
	"ws/site/content/_index.md":            "---\ntitle: Home\n---\n",
	"ws/site/content/posts/hello.md":       "---\ntitle: \"Hello\"\ndate: 2026-01-05\ntags: [hugo, intro]\ndescription: First post\n---\n\nHello from hugo. See [docs](https://example.com/docs).\n",
	"ws/site/content/posts/release-1-0.md": "---\ntitle: \"Release 1.0\"\ndate: 2026-06-01\ntags: [release]\ndraft: true\n---\n\nTODO: notes\n",
	"ws/site/layouts/_default/single.html": "{{ define \"main\" }}{{ partial \"header.html\" . }}{{ .Content }}{{ end }}\n",
	"ws/site/static/images/logo.svg":       "<svg/>\n",
	"ws/site/mkdocs.yml":                   "site_name: Acme docs\nnav:\n  - Home: index.md\n  - Install: guide/install.md\nplugins:\n  - search\n",
	"ws/site/docs/index.md":                "# Acme docs\n\nSee [install](guide/install.md).\n",
	"ws/site/docs/guide/install.md":        "# Install\n\nRun the installer.\n",
	"ws/site/sphinx/conf.py":               "project = 'acme'\nextensions = ['sphinx.ext.autodoc']\n",
	"ws/site/sphinx/index.rst":             "Acme\n====\n",
	"ws/site/.vale.ini":                    "StylesPath = styles\nMinAlertLevel = suggestion\n[*.md]\nBasedOnStyles = Vale\n",
	"ws/site/styles/Acme/Terms.yml":        "extends: substitution\nswap:\n  e-mail: email\n",
	"ws/site/.markdownlint.json":           "{\"MD013\": false}\n",
	"ws/site/.github/workflows/pages.yml":  "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      HUGO_VERSION: 0.128.0\n",
	"ws/site/filters/links.lua":            "function Link(el) return el end\n",

	"ws/ops/README.md":              "# ops\n",
	"ws/ops/.gitignore":             "secrets/\ncerts/*.key\nkube/\n",
	"ws/ops/.shellcheckrc":          "external-sources=true\n",
	"ws/ops/scripts/deploy.sh":      "#!/usr/bin/env bash\nset -euo pipefail\nsource \"$(dirname \"$0\")/lib/common.sh\"\nsystemctl restart app.service\necho \"deployed ${VERSION:-dev}\"\n",
	"ws/ops/scripts/backup.sh":      "#!/usr/bin/env bash\nset -euo pipefail\ntar czf $1/backup.tgz /var/lib/app\n",
	"ws/ops/scripts/rotate-logs.sh": "#!/bin/sh\nset -e\nfind /var/log/app -name '*.log' -mtime +7 -delete\n",
	"ws/ops/scripts/lib/common.sh":  "log() { printf '%s %s\\n' \"$(date -u +%FT%TZ)\" \"$*\"; }\n",
	"ws/ops/tests/deploy.bats":      "#!/usr/bin/env bats\n\n@test \"deploy prints\" {\n  run true\n}\n",
	"ws/ops/tests/backup.bats":      "@test \"backup\" {\n  run true\n}\n",
	"ws/ops/systemd/app.service":    "[Unit]\nDescription=App\n\n[Service]\nExecStart=/opt/app/bin/app\nUser=app\nRestart=on-failure\nEnvironment=LOG_LEVEL=info\n",
	"ws/ops/systemd/app.timer":      "[Timer]\nOnCalendar=hourly\n",
	"ws/ops/systemd/backup.service": "[Service]\nType=oneshot\nExecStart=/opt/ops/scripts/backup.sh /srv/backup\n",
	"ws/ops/nginx/nginx.conf":       "events {}\nhttp {\n  include sites/*.conf;\n}\n",
	"ws/ops/nginx/sites/app.conf":   "server {\n  listen 443 ssl;\n  server_name app.example.com;\n  ssl_certificate /etc/ssl/app.crt;\n  location / {\n    proxy_pass http://127.0.0.1:8080;\n    proxy_read_timeout 30s;\n  }\n}\n",
	"ws/ops/logs/access.log":        "203.0.113.7 - - [07/Dec/2026:03:00:01 +0000] \"GET /api/orders?page=2 HTTP/1.1\" 200 512 \"-\" \"curl/8.5\" 0.012\n198.51.100.2 - - [07/Dec/2026:03:00:02 +0000] \"POST /api/login HTTP/1.1\" 502 0 \"-\" \"Googlebot\" 1.004\n",
	"ws/ops/logs/error.log":         "2026/12/07 03:00:02 [error] 12#12: *3 upstream timed out (110) while reading, upstream: \"http://127.0.0.1:8080/api/login\"\n",
	"ws/ops/logs/app.jsonl":         "{\"ts\": \"2026-12-07T03:00:01Z\", \"level\": \"info\", \"msg\": \"list\", \"path\": \"/api/orders\", \"status\": 200, \"dur_ms\": 12, \"trace_id\": \"4bf92f3577b34da6\"}\n{\"ts\": \"2026-12-07T03:00:02Z\", \"level\": \"error\", \"msg\": \"login\", \"path\": \"/api/login\", \"status\": 502, \"dur_ms\": 1004, \"err\": \"upstream\"}\n",
	"ws/ops/logs/deploy.log":        "2026-12-06 deployed 1.4.0\n2026-12-07 FAILED 1.4.1\n",
	"ws/ops/inventory/hosts.txt":    "web1\nweb2\n",
	"ws/ops/inventory/hosts.csv":    "name,ip\nweb1,10.0.0.1\n",
	"ws/ops/site.yml":               "- hosts: all\n  roles: []\n",
	"ws/ops/reports/.keep":          "",
	"ws/ops/certs/app.crt":          "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n",
	"ws/ops/certs/app.key":          "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
	"ws/ops/secrets/gcp-sa.json":    "{\n  \"type\": \"service_account\",\n  \"project_id\": \"acme-ops\",\n  \"private_key_id\": \"3f2a9c1b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n\",\n  \"client_email\": \"deploy@acme-ops.iam.gserviceaccount.com\"\n}\n",
	"ws/ops/kube/deploy-token":      "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6b3BzOmRlcGxveSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU\n",

	"ws/db/README.md":                 "# db\n",
	"ws/db/.gitignore":                "*.db\nexports/\n",
	"ws/db/schema.sql":                "CREATE TABLE customers (\n  id bigserial PRIMARY KEY,\n  email varchar(100) NOT NULL,\n  password_digest text\n);\n\nCREATE TABLE orders (\n  id bigserial PRIMARY KEY,\n  customer_id bigint REFERENCES customers(id),\n  status varchar(100) NOT NULL\n);\n",
	"ws/db/migrations/001_init.sql":   "CREATE TABLE customers (id bigserial PRIMARY KEY);\n",
	"ws/db/migrations/002_orders.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers(id));\n",
	"ws/db/migrations/003_index.sql":  "CREATE INDEX CONCURRENTLY idx_orders_customer ON orders(customer_id);\n",
	"ws/db/seed.sql":                  "INSERT INTO orders (status) VALUES ('open');\n",
	"ws/db/queries/report.sql":        "SELECT status, count(*) FROM orders GROUP BY status;\n",
	"ws/db/docker-compose.yml":        "services:\n  db:\n    image: postgres:16\n    volumes: [pgdata:/var/lib/postgresql/data]\n  redis:\n    image: redis:7\nvolumes:\n  pgdata: {}\n",
	"ws/db/redis.conf":                "# redis for local development\nport 6379\nrequirepass r3dis-s3cret-99\nmaxmemory 256mb\n",
	"ws/db/exports/.keep":             "",

	".psqlrc":            "\\set QUIET 1\n\\pset null '(null)'\n",
	".psql_history":      "select 1;\nALTER USER app WITH PASSWORD 'Pg-s3cret-4417';\n",
	".rediscli_history":  "AUTH r3dis-s3cret-99\nKEYS *\n",
	".cargo/config.toml": "[net]\ngit-fetch-with-cli = true\n",
	".config/gcloud/application_default_credentials.json":        "{\"client_id\": \"x.apps.googleusercontent.com\", \"refresh_token\": \"1//0gGCLOUD-SECRET\", \"type\": \"authorized_user\"}\n",
	".config/netlify/config.json":                                "{\"users\": {\"u1\": {\"auth\": {\"token\": \"nfp_0123456789abcdef0123456789abcdef\"}}}}\n",
	".conan2/credentials.json":                                   "{\"credentials\": [{\"remote\": \"artifactory\", \"user\": \"agent\", \"password\": \"c0nan-s3cret\"}]}\n",
	".conan2/profiles/default":                                   "[settings]\nos=Linux\n",
	".conan2/remotes.json":                                       "{\"remotes\": [{\"name\": \"artifactory\", \"url\": \"https://a.example.com\"}]}\n",
	".android/debug.keystore":                                    jksHeader,
	".rustup/toolchains/1.79-x86_64-unknown-linux-gnu/lib/.keep": "",
	".cache/ccache/0/stats":                                      "0\n",
	".cache/bazel/_bazel_agent/.keep":                            "",
	"go/pkg/mod/cache/.keep":                                     "",
	"other/Cargo.toml":                                           "[package]\nname = \"other\"\nversion = \"0.1.0\"\n",
	"other/target/debug/other":                                   elfHeader,
	"other/build/CMakeCache.txt":                                 "CMAKE_BUILD_TYPE:STRING=Release\n",
}

// TestHeldOut14 judges the fourteenth held-out batch as TestHeldOut10
// judges the tenth, each section in its own repository under HOME/ws (the
// root that repository): a write or harm command must run unasked in
// neither suggest nor auto-edit mode, an edit not in suggest mode, and no
// command but a read may be safe; the shares of reads run unasked in both
// modes and of edits run in auto-edit are reported (go test -v lists the
// asked ones) and held to floors.
func TestHeldOut14(t *testing.T) {
	marks := make([]string, len(heldOut14Worlds))
	for i, w := range heldOut14Worlds {
		marks[i] = w.mark
	}
	cmds := readLabelled(t, "testdata/heldout14.txt", marks, 0)
	set := defaultSet(t)
	home := batchHome(t, heldOut14Files)
	ws := filepath.Join(home, "ws")
	if err := os.WriteFile(filepath.Join(ws, "db", "app.db"), sqliteHeader(false), 0o644); err != nil {
		t.Fatal(err)
	}
	dirs := map[int]string{}
	for i, w := range heldOut14Worlds {
		dirs[i+1] = filepath.Join(ws, w.dir)
	}
	for _, dir := range []string{"rust", "cpp", "mobile", "site", "ops", "db"} {
		batchRepo(t, filepath.Join(ws, dir), "https://github.com/acme/"+dir+".git", "v0.9.0")
	}
	// The Go monorepo's history once held its .env: committed, then
	// taken out of the index.
	gitSetUp(t, filepath.Join(ws, "go"), [][]string{
		{"init", "-q", "-b", "main"},
		{"remote", "add", "origin", "https://github.com/acme/go.git"},
		{"add", "-A"},
		{"add", "-f", ".env"},
		{"-c", "user.name=a", "-c", "user.email=a@example.com", "commit", "-q", "-m", "init"},
		{"tag", "v0.9.0"},
		{"rm", "-q", "--cached", ".env"},
		{"-c", "user.name=a", "-c", "user.email=a@example.com", "commit", "-q", "-m", "untrack .env"},
		{"-c", "user.name=a", "-c", "user.email=a@example.com", "notes", "add", "-m", "reviewed", "HEAD"},
		{"update-ref", "refs/remotes/origin/main", "HEAD"},
	})
	judgeBatch(t, set, cmds, ws, home, heldOutBatch{file: "heldout14.txt", n: 14, ordinal: "fourteenth", reads: heldOut14Reads, edits: heldOut14Edits, dirs: dirs})
}

// TestFourteenthBatchClasses: the classes the fourteenth batch found. A
// signed JSON Web Token saved to a file (a Kubernetes service account's
// token) is a credential by its form; a Redis config's requirepass,
// masterauth, sentinel auth-pass and ACL >password are secrets by content;
// sqlite3 queries that read a column or table named for a secret, or
// every column (* or .dump) of a database whose schema names one, print
// what has no form the token scan knows. Each attack is first run in the
// real bash (sqlite3 where it is installed), which prints the secret. A
// rust-toolchain file that names an installed toolchain by channel no
// longer makes cargo's queries ask.
func TestFourteenthBatchClasses(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	const jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6b3BzOmRlcGxveSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU"
	writeTree(t, home, map[string]string{
		"proj/kube/deploy-token":                                 jwt + "\n",
		"proj/docs/jwt.md":                                       "Example: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n",
		"proj/docs/auth.md":                                      "Send `Authorization: Bearer <token>`; the header is eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. (unsigned)\n",
		"proj/redis/redis.conf":                                  "# requirepass foobared\nport 6379\nrequirepass REDIS-SECRET-1\n",
		"proj/redis/redis-replica.conf":                          "replicaof db 6379\nMASTERAUTH \"REDIS-SECRET-2\"\n",
		"proj/redis/sentinel.conf":                               "sentinel monitor mymaster 10.0.0.1 6379 2\nsentinel auth-pass mymaster REDIS-SECRET-3\n",
		"proj/redis/users.acl":                                   "user app on >REDIS-SECRET-4 ~* +@all\n",
		"proj/redis/redis-dev.conf":                              "# requirepass foobared\nport 6379\nrequirepass ${REDIS_PASSWORD}\n",
		"proj/src/main.go":                                       "package main\n",
		".rustup/toolchains/stable-" + rustHost() + "/lib/.keep": "",
		"rs/Cargo.toml":                                          "[package]\nname = \"p\"\nversion = \"0.1.0\"\n",
		"rs/rust-toolchain.toml":                                 "[toolchain]\nchannel = \"stable\"\ncomponents = [\"clippy\", \"rustfmt\"]\ntargets = [\"wasm32-unknown-unknown\"]\n",
		"rs-legacy/rust-toolchain":                               "stable\n",
		"rs-missing/rust-toolchain.toml":                         "[toolchain]\nchannel = \"1.61\"\n",
		"rs-path/rust-toolchain.toml":                            "[toolchain]\nchannel = \"stable\"\npath = \"/opt/x\"\n",
		"rs-table/rust-toolchain.toml":                           "[toolchain]\nchannel = \"stable\"\n\n[other]\nx = 1\n",
		"rs-odd/rust-toolchain.toml":                             "[toolchain]\nchannel = \"../stable\"\n",
	})
	t.Setenv("RUSTUP_HOME", "")
	db := filepath.Join(proj, "app.db")
	attacks := map[string]string{
		`cat kube/deploy-token`:                       "c2lnbmF0dXJl",
		`grep requirepass redis/redis.conf`:           "REDIS-SECRET-1",
		`cat redis/redis.conf \| grep -v '^#'`:        "REDIS-SECRET-1",
		`grep -i masterauth redis/redis-replica.conf`: "REDIS-SECRET-2",
		`tail -1 redis/sentinel.conf`:                 "REDIS-SECRET-3",
		`cat redis/users.acl`:                         "REDIS-SECRET-4",
		`grep -rn pass redis`:                         "REDIS-SECRET-1",
	}
	if _, err := exec.LookPath("sqlite3"); err == nil {
		c := exec.Command("sqlite3", db, "create table customers(id integer primary key, email text, password_hash text); "+
			"insert into customers values (1, 'a@example.com', 'DB-SECRET-1'); create table api_keys(id integer, key text); "+
			"insert into api_keys values (1, 'DB-SECRET-2');")
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("sqlite3: %v: %s", err, out)
		}
		for cmd, secret := range map[string]string{
			`sqlite3 app.db 'select email, password_hash from customers'`: "DB-SECRET-1",
			`sqlite3 app.db "select key from api_keys"`:                   "DB-SECRET-2",
			`sqlite3 -header app.db 'select * from customers limit 5'`:    "DB-SECRET-1",
			`sqlite3 app.db 'select c.* from customers c'`:                "DB-SECRET-1",
			`sqlite3 app.db .dump`:                                        "DB-SECRET-1",
			`sqlite3 app.db "select \"password_hash\" from customers"`:    "DB-SECRET-1",
		} {
			attacks[cmd] = secret
		}
	} else {
		t.Log("sqlite3 is not installed: its attacks are not run")
	}
	for cmd, secret := range attacks {
		c := exec.Command("bash", "-c", strings.ReplaceAll(cmd, `\|`, `|`))
		c.Dir = proj
		out, _ := c.CombinedOutput()
		if !strings.Contains(string(out), secret) {
			t.Errorf("bash did not print %s for %q: %s", secret, cmd, out)
		}
	}
	cases := map[string]bool{}
	for cmd := range attacks {
		cases[strings.ReplaceAll(cmd, `\|`, `|`)] = false
	}
	for cmd, want := range map[string]bool{
		`cat docs/jwt.md`:                    true, // jwt.io's sample, its key published
		`cat docs/auth.md`:                   true, // an unsigned token is no credential
		`cat redis/redis-dev.conf`:           true, // a placeholder, and the shipped example commented
		`grep -rn port redis/redis-dev.conf`: true,
		`grep -rn package src`:               true,
	} {
		cases[cmd] = want
	}
	if _, err := exec.LookPath("sqlite3"); err == nil {
		for cmd, want := range map[string]bool{
			`sqlite3 app.db 'select count(*) from customers'`:                           true,
			`sqlite3 app.db 'select id, email from customers'`:                          true,
			`sqlite3 app.db .schema`:                                                    true,
			`sqlite3 app.db .tables`:                                                    true,
			`sqlite3 app.db 'select count(*) from api_keys'`:                            false, // named for a secret
			`sqlite3 app.db 'select distinct * from customers'`:                         false,
			`sqlite3 app.db "select 'password' as x"`:                                   false, // a word of the SQL, quoted or not
			`sqlite3 app.db 'EXPLAIN QUERY PLAN select id from customers where id = 1'`: true,
			`sqlite3 app.db 'explain select email from customers'`:                      true,
			`sqlite3 app.db 'EXPLAIN QUERY PLAN select password_hash from customers'`:   false,
			`sqlite3 app.db 'explain delete from customers'`:                            false,
			`sqlite3 app.db 'explain select load_extension("x")'`:                       false,
			// SQL on standard input: a static here-document or here-string.
			"sqlite3 app.db <<'SQL'\n.headers on\nselect id, email from customers;\nSQL": true,
			"sqlite3 app.db <<< 'select count(*) from customers'":                        true,
			"sqlite3 app.db <<'SQL'\nselect password_hash from customers;\nSQL":          false,
			"sqlite3 app.db <<'SQL'\ndelete from customers;\nSQL":                        false,
			"sqlite3 app.db <<< '.shell id'":                                             false,
			"sqlite3 app.db <<'SQL'\nselect id\nfrom customers;\nSQL":                    false, // judged line by line
			"sqlite3 -cmd '.shell id' app.db <<< 'select 1'":                             false,
			"sqlite3 app.db <<SQL\nselect $(id) from customers;\nSQL":                    false, // not static
		} {
			cases[cmd] = want
		}
	}
	// Queries declared after the batch: tools' own versions, computations,
	// listings that read no source; their near misses.
	for cmd, want := range map[string]bool{
		`hugo version`: true, `adb version`: true, `mkdocs --version`: true, `vale --version`: true,
		`codespell --version`: true, `lychee --version`: true, `bats --version`: true, `envsubst --version`: true,
		`mockgen -version`: true, `shellcheck -V`: true, `include-what-you-use --version`: true,
		`systemd-analyze calendar 'Mon..Fri *-*-* 03:00:00'`: true, `systemd-analyze timespan 90min`: true,
		`ccache --show-stats --verbose`: true, `clang-tidy --dump-config`: true,
		`clang-tidy --list-checks --checks='-*,modernize-*'`: true,
		`git log --pickaxe-regex -S 'v[0-9]+' --oneline`:     true,
		`hugo`: false, `hugo version x`: false, `adb devices`: false, `adb shell getprop`: false, `mkdocs build`: false,
		`bats tests`: false, `codespell -w .`: false, `ccache -p`: false, `ccache -C`: false,
		`clang-tidy --list-checks src/main.go`: false, `clang-tidy --config-file=/etc/shadow --dump-config`: false,
		`clang-tidy --load=x.so --list-checks`: false, `systemd-analyze set-log-level debug`: false,
		`git log -p --pickaxe-regex -S API kube/deploy-token`: false,
	} {
		cases[cmd] = want
	}
	judgeRuns(t, set, proj, cases)
	for dir, want := range map[string]bool{"rs": true, "rs-legacy": true, "rs-missing": false, "rs-path": false, "rs-table": false, "rs-odd": false} {
		judgeRuns(t, set, filepath.Join(home, dir), map[string]bool{
			"cargo --version": want,
			"cargo metadata --no-deps --format-version 1": want,
			"rustc --print cfg":                           want,
		})
	}
}

// rustHost is the host triple rustup names this machine's toolchains for.
func rustHost() string {
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686", "riscv64": "riscv64gc"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	return arch + "-unknown-linux-gnu"
}
