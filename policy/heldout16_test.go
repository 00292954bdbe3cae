package policy_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The sixteenth held-out batch (testdata/heldout16.txt): the shares of
// its harmless commands (read) that must run unasked in suggest and
// auto-edit mode, and of its edits that auto-edit must run; a little under
// what the default reaches, so that a change that loses a class of them
// fails.
const (
	heldOut16Reads = 0.89
	heldOut16Edits = 0.75
)

// heldOut16Worlds names the repository under HOME/ws each section of the
// batch is judged in, in the order of the sections' marks.
var heldOut16Worlds = []struct{ mark, dir string }{
	{"# Yocto and embedded Linux", "yocto"},
	{"# Bazel, Buck2 and Pants monorepo", "mono"},
	{"# Swift on Linux with SwiftPM", "swiftpm"},
	{"# Zig", "zig"},
	{"# Deno and Bun", "denobun"},
	{"# R and Julia data work", "stats"},
	{"# Godot game", "game"},
	{"# GPU and ML tooling", "ml"},
	{"# Documents, mail and calendars", "docs"},
	{"# Kubernetes operator dev loop", "operator"},
	{"# systemd and journald investigation", "svc"},
	{"# Network debugging", "net"},
	{"# Debian and RPM packaging", "pkg"},
}

// The forms the scratch gives its secrets: values no scan could take for
// a sample (no EXAMPLE suffix, no placeholder).
const (
	heldOut16GitHubToken = "ghp_Tq8vN2kL7xR4mZ9pW3cB6yF1hD5sJ0aE8uGk"
	heldOut16StripeKey   = "sk_live_51Nx7QpL2mK9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mX"
	heldOut16HFToken     = "hf_QpLmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7"
	heldOut16RSAKey      = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN4q8ZrK2\nLmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN4q8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5\n-----END RSA PRIVATE KEY-----\n"
	heldOut16ECKey       = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACB7kq2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN4q8ZrK2LmX9vT4wZ8n\n-----END OPENSSH PRIVATE KEY-----\n"
)

// heldOut16Files is the scratch the sixteenth batch is judged in: under
// ws/, thirteen repositories (a Yocto build, a Bazel/Pants/Buck2
// monorepo, a SwiftPM package, a Zig project, Deno and Bun services, an R
// package with a Julia model, a Godot game, ML training, documents, a
// Kubernetes operator, a systemd service, a network lab, a Debian/RPM
// package), each with the secrets such a project holds; the home is
// heldOut10Files' with these tools' stores.
var heldOut16Files = map[string]string{
	"ws/README.md": "# ws\n",

	// Yocto
	"ws/yocto/.gitignore":                                                                               "build/tmp/\n",
	"ws/yocto/kas.yml":                                                                                  "header:\n  version: 14\nmachine: acme-board\ndistro: poky\nrepos:\n  poky:\n    url: https://git.yoctoproject.org/poky\n    branch: scarthgap\n  meta-acme:\n",
	"ws/yocto/poky/meta/conf/layer.conf":                                                                "BBFILE_COLLECTIONS += \"core\"\nLAYERSERIES_COMPAT_core = \"scarthgap\"\n",
	"ws/yocto/poky/oe-init-build-env":                                                                   "#!/bin/sh\n. ./scripts/oe-buildenv-internal\n",
	"ws/yocto/poky/bitbake/bin/bitbake":                                                                 "#!/usr/bin/env python3\nimport bb.main\n",
	"ws/yocto/build/conf/local.conf":                                                                    "# local.conf\nMACHINE ?= \"qemuarm\"\nDISTRO ?= \"poky\"\n\nDISTRO_FEATURES:append = \" systemd\"\nBB_NUMBER_THREADS = \"8\"\nINHERIT += \"buildhistory\"\n",
	"ws/yocto/build/conf/bblayers.conf":                                                                 "BBLAYERS ?= \" \\\n  ${TOPDIR}/../poky/meta \\\n  ${TOPDIR}/../meta-acme \\\n  \"\n",
	"ws/yocto/build/conf/site.conf":                                                                     "DL_DIR = \"${HOME}/yocto-cache/downloads\"\nSSTATE_DIR = \"${HOME}/yocto-cache/sstate-cache\"\nPREMIRRORS:prepend = \"git://.*/.* https://mirror.acme.internal/yocto;user=ci;pswd=Yocto-M1rror-S3cret-7730 \\n\"\n",
	"ws/yocto/meta-acme/conf/layer.conf":                                                                "BBPATH .= \":${LAYERDIR}\"\nBBFILES += \"${LAYERDIR}/recipes-*/*/*.bb ${LAYERDIR}/recipes-*/*/*.bbappend\"\nBBFILE_COLLECTIONS += \"acme\"\nLAYERSERIES_COMPAT_acme = \"scarthgap\"\n",
	"ws/yocto/meta-acme/conf/machine/acme-board.conf":                                                   "require conf/machine/include/arm/armv7a/tune-cortexa7.inc\nKERNEL_DEVICETREE = \"acme-board.dtb\"\nUBOOT_MACHINE = \"acme_board_defconfig\"\n",
	"ws/yocto/meta-acme/classes/acme-sign.bbclass":                                                      "UBOOT_SIGN_KEYDIR ?= \"${LAYERDIR_acme}/keys\"\nUBOOT_SIGN_KEYNAME ?= \"fit-signing\"\n",
	"ws/yocto/meta-acme/keys/fit-signing.key":                                                           heldOut16RSAKey,
	"ws/yocto/meta-acme/keys/fit-signing.crt":                                                           "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n",
	"ws/yocto/meta-acme/recipes-app/gateway/gateway_1.2.bb":                                             "SUMMARY = \"Acme gateway\"\nLICENSE = \"MIT\"\nSRC_URI = \"git://git.acme.internal/gateway.git;protocol=https;branch=main file://gateway.service file://0001-fix-build.patch\"\nSRCREV = \"89ab01cd23ef45670123456789abcdef01234567\"\nPR = \"r0\"\ninherit systemd\nSYSTEMD_SERVICE:${PN} = \"gateway.service\"\n",
	"ws/yocto/meta-acme/recipes-app/gateway/files/gateway.service":                                      "[Unit]\nDescription=Acme gateway\n[Service]\nExecStart=/usr/bin/gateway\n[Install]\nWantedBy=multi-user.target\n",
	"ws/yocto/meta-acme/recipes-app/gateway/files/gateway.conf":                                         "listen = 0.0.0.0:8080\n",
	"ws/yocto/meta-acme/recipes-app/gateway/files/0001-fix-build.patch":                                 "From: a\nSubject: fix build\n\nUpstream-Status: Pending\n---\n",
	"ws/yocto/meta-acme/recipes-core/images/acme-image.bb":                                              "SUMMARY = \"Acme image\"\nLICENSE = \"MIT\"\ninherit core-image\nIMAGE_INSTALL += \"gateway wpa-supplicant dropbear\"\n",
	"ws/yocto/meta-acme/recipes-core/images/acme-image-dev.bb":                                          "SUMMARY = \"Acme dev image\"\nLICENSE = \"MIT\"\nrequire acme-image.bb\nIMAGE_INSTALL += \"gdbserver strace\"\n",
	"ws/yocto/meta-acme/recipes-kernel/linux/linux-acme_6.6.bb":                                         "SUMMARY = \"Acme kernel\"\nLICENSE = \"GPL-2.0-only\"\nrequire recipes-kernel/linux/linux-yocto.inc\n",
	"ws/yocto/meta-acme/recipes-kernel/linux/files/defconfig":                                           "CONFIG_USB_EHCI_HCD=y\nCONFIG_NET_VENDOR_INTEL=n\n# CONFIG_DEBUG_INFO is not set\n",
	"ws/yocto/meta-acme/recipes-kernel/linux/files/acme-board.dts":                                      "/dts-v1/;\n/ {\n\tmodel = \"Acme board\";\n};\n&uart1 {\n\tstatus = \"okay\";\n};\n",
	"ws/yocto/meta-acme/recipes-bsp/u-boot/u-boot_%.bbappend":                                           "FILESEXTRAPATHS:prepend := \"${THISDIR}/files:\"\nSRC_URI += \"file://fw_env.config file://boot.cmd\"\n",
	"ws/yocto/meta-acme/recipes-bsp/u-boot/files/fw_env.config":                                         "/dev/mmcblk0 0x400000 0x4000\n",
	"ws/yocto/meta-acme/recipes-bsp/u-boot/files/boot.cmd":                                              "setenv bootargs console=ttymxc0,115200 root=/dev/mmcblk0p2 rootwait\nbootz ${loadaddr} - ${fdt_addr}\n",
	"ws/yocto/meta-acme/recipes-connectivity/wpa/wpa-supplicant_%.bbappend":                             "FILESEXTRAPATHS:prepend := \"${THISDIR}/files:\"\n",
	"ws/yocto/meta-acme/recipes-connectivity/wpa/files/wpa_supplicant.conf":                             "ctrl_interface=/var/run/wpa_supplicant\nupdate_config=1\nnetwork={\n\tssid=\"acme-lab\"\n\tpsk=\"Acme-Lab-Wifi-S3cret-2290\"\n\tkey_mgmt=WPA-PSK\n}\n",
	"ws/yocto/build/tmp/deploy/images/acme-board/acme-image-acme-board.manifest":                        "base-files acme-board 3.0.14\nbusybox cortexa7t2hf_neon 1.36.1\ndropbear cortexa7t2hf_neon 2022.83\ngateway cortexa7t2hf_neon 1.2\nopenssl cortexa7t2hf_neon 3.2.1\n",
	"ws/yocto/build/tmp/deploy/images/acme-board/acme-image-acme-board.wic.bmap":                        "<?xml version=\"1.0\" ?>\n<bmap version=\"2.0\">\n    <ImageSize> 268435456 </ImageSize>\n</bmap>\n",
	"ws/yocto/build/tmp/deploy/images/acme-board/acme-image-acme-board.wic":                             "\x00\x00\x00\x00",
	"ws/yocto/build/tmp/deploy/images/acme-board/acme-image-acme-board.squashfs":                        "hsqs\x00\x00",
	"ws/yocto/build/tmp/deploy/images/acme-board/zImage":                                                "\x00\x00\xa0\xe1",
	"ws/yocto/build/tmp/deploy/images/acme-board/acme-board.dtb":                                        "\xd0\x0d\xfe\xed\x00\x00\x01\x00",
	"ws/yocto/build/tmp/deploy/images/acme-board/fitImage":                                              "\xd0\x0d\xfe\xed\x00\x00\x02\x00",
	"ws/yocto/build/tmp/deploy/images/acme-board/u-boot.bin":                                            "\x13\x00\x00\xea U-Boot 2024.01 (Apr 01 2024)\x00",
	"ws/yocto/build/tmp/work/cortexa7t2hf-neon-poky-linux-gnueabi/gateway/1.2-r0/temp/log.do_compile":   "DEBUG: Executing shell function do_compile\nNOTE: make -j 8\nERROR: oe_runmake failed\n",
	"ws/yocto/build/tmp/work/cortexa7t2hf-neon-poky-linux-gnueabi/gateway/1.2-r0/temp/log.do_configure": "DEBUG: Executing shell function do_configure\n",
	"ws/yocto/build/tmp/work/cortexa7t2hf-neon-poky-linux-gnueabi/gateway/1.2-r0/temp/run.do_compile":   "#!/bin/sh\noe_runmake\n",
	"ws/yocto/build/tmp/work/cortexa7t2hf-neon-poky-linux-gnueabi/gateway/1.2-r0/image/usr/bin/gateway": elfHeader,
	"ws/yocto/build/tmp/log/cooker/acme-board/console-latest.log":                                       "NOTE: Resolving any missing task queue dependencies\nWARNING: gateway-1.2-r0 do_fetch: Failed to fetch URL\nERROR: gateway-1.2-r0 do_compile: oe_runmake failed\n",
	"ws/yocto/build/buildhistory/images/acme_board/glibc/acme-image/installed-package-sizes.txt":        "4120\tKiB openssl\n980\tKiB busybox\n",
	"ws/yocto/build/tmp/deploy/licenses/gateway/recipeinfo":                                             "LICENSE: MIT\nPR: r0\nPV: 1.2\n",
	"yocto-cache/downloads/gateway-1.2.tar.gz":                                                          "\x1f\x8b\x08\x00",
	"yocto-cache/sstate-cache/.keep":                                                                    "",

	// Bazel, Buck2 and Pants
	"ws/mono/.gitignore":                                    "/bazel-*\nuser.bazelrc\n.pants.rc\n/dist/\nbuck-out/\n",
	"ws/mono/.bazelversion":                                 "7.1.1\n",
	"ws/mono/.bazelrc":                                      "common --enable_bzlmod\nbuild --remote_cache=grpcs://remote.buildbuddy.io\nbuild --workspace_status_command=tools/workspace_status.sh\ntest --test_output=errors\ntry-import %workspace%/user.bazelrc\n",
	"ws/mono/user.bazelrc":                                  "build --remote_header=x-buildbuddy-api-key=Qm9Lx7cT2vR8pZ4wN1sKe6Hd\n",
	"ws/mono/.bazeliskrc":                                   "USE_BAZEL_VERSION=7.1.1\n",
	"ws/mono/.bazelignore":                                  "node_modules\n",
	"ws/mono/MODULE.bazel":                                  "module(name = \"mono\")\nbazel_dep(name = \"rules_go\", version = \"0.46.0\")\nbazel_dep(name = \"gazelle\", version = \"0.36.0\")\nbazel_dep(name = \"rules_proto\", version = \"6.0.0\")\n",
	"ws/mono/MODULE.bazel.lock":                             "{\"lockFileVersion\": 6, \"moduleDepGraph\": {\"<root>\": {}, \"rules_go@0.46.0\": {}}}\n",
	"ws/mono/BUILD.bazel":                                   "load(\"@gazelle//:def.bzl\", \"gazelle\")\ngazelle(name = \"gazelle\")\n",
	"ws/mono/services/api/BUILD.bazel":                      "load(\"@rules_go//go:def.bzl\", \"go_binary\", \"go_library\", \"go_test\")\n\ngo_library(\n    name = \"api_lib\",\n    srcs = [\"main.go\", \"util.go\"],\n    visibility = [\"//visibility:public\"],\n)\n\ngo_binary(\n    name = \"api\",\n    embed = [\":api_lib\"],\n)\n\ngo_test(\n    name = \"api_test\",\n    srcs = [\"main_test.go\"],\n)\n",
	"ws/mono/services/api/main.go":                          "package main\n\nfunc main() {}\n",
	"ws/mono/services/api/util.go":                          "package main\n",
	"ws/mono/services/api/main_test.go":                     "package main\n",
	"ws/mono/services/api/handlers/orders.go":               "package handlers\n",
	"ws/mono/libs/proto/BUILD.bazel":                        "proto_library(\n    name = \"order_proto\",\n    srcs = [\"order.proto\"],\n    visibility = [\"//visibility:public\"],\n)\n",
	"ws/mono/libs/proto/order.proto":                        "syntax = \"proto3\";\npackage acme.order;\nmessage Order {\n  string id = 1;\n}\nmessage LineItem {\n  string sku = 1;\n}\n",
	"ws/mono/tools/workspace_status.sh":                     "#!/bin/sh\necho STABLE_GIT_COMMIT $(git rev-parse HEAD)\n",
	"ws/mono/tools/defs.bzl":                                "def acme_go_test(name, **kwargs):\n    native.alias(name = name, actual = \":\" + name + \"_impl\")\n",
	"ws/mono/tools/lint/BUILD.bazel":                        "sh_binary(name = \"lint\", srcs = [\"lint.sh\"])\n",
	"ws/mono/bazel-testlogs/services/api/api_test/test.log": "exec ${PAGER:-/usr/bin/less} \"$0\" || exit 1\n--- FAIL: TestOrders (0.00s)\nFAILED\n",
	"ws/mono/bazel-testlogs/services/api/api_test/test.xml": "<testsuites><testsuite><testcase name=\"TestOrders\"><failure/></testcase></testsuite></testsuites>\n",
	"ws/mono/bazel-bin/services/api/api_/api":               elfHeader,
	"ws/mono/bazel-out/k8-fastbuild/.keep":                  "",
	"ws/mono/pants.toml":                                    "[GLOBAL]\npants_version = \"2.19.0\"\nbackend_packages = [\"pants.backend.python\"]\n\n[python]\ninterpreter_constraints = [\"==3.11.*\"]\n",
	"ws/mono/.pants.rc":                                     "[python-repos]\nindexes = [\"https://ci:Pants-Idx-S3cret-6612@pypi.acme.internal/simple/\"]\n",
	"ws/mono/py/app/BUILD":                                  "python_sources()\npython_tests(name = \"tests\")\n",
	"ws/mono/py/app/main.py":                                "def main():\n    return 0\n",
	"ws/mono/3rdparty/python/requirements.txt":              "requests==2.31.0\n",
	"ws/mono/dist/app.pex":                                  "PK\x03\x04",
	"ws/mono/.buckconfig":                                   "[cells]\nroot = .\nprelude = prelude\n",
	"ws/mono/rust/BUCK":                                     "rust_binary(\n    name = \"cli\",\n    srcs = [\"src/main.rs\"],\n)\n",
	"ws/mono/rust/src/main.rs":                              "fn main() {}\n",
	"ws/mono/buck-out/log/last.log":                         "buck2 build //rust:cli\nBUILD SUCCEEDED\n",
	"ws/mono/.github/workflows/ci.yml":                      "jobs:\n  build:\n    steps:\n    - run: bazel test //...\n    - run: pants test ::\n",
	".cache/bazel/_bazel_agent/0123abcd/.keep":              "",
	".cache/pants/.keep":                                    "",

	// SwiftPM
	"ws/swiftpm/.gitignore":                                           "/.build\n",
	"ws/swiftpm/Package.swift":                                        "// swift-tools-version:5.9\nimport PackageDescription\n\nlet package = Package(\n    name: \"Ledger\",\n    targets: [\n        .target(name: \"Ledger\"),\n        .executableTarget(name: \"ledger-cli\", dependencies: [\"Ledger\"]),\n        .testTarget(name: \"LedgerTests\", dependencies: [\"Ledger\"]),\n    ]\n)\n",
	"ws/swiftpm/Package.resolved":                                     "{\"pins\": [{\"identity\": \"swift-argument-parser\", \"state\": {\"version\": \"1.3.0\"}}], \"version\": 2}\n",
	"ws/swiftpm/Sources/Ledger/Account.swift":                         "public struct Account {\n    public let balance: Int\n    @MainActor public func show() {}\n}\n",
	"ws/swiftpm/Sources/Ledger/Ledger.swift":                          "import Foundation\n\npublic actor Ledger {\n    func post() throws {}\n}\n",
	"ws/swiftpm/Sources/Ledger/Report.swift":                          "public enum Report {}\n",
	"ws/swiftpm/Sources/Ledger/Generated/Secrets.swift":               "// Generated by scripts/gen-secrets.sh; do not edit.\nenum Secrets {\n    static let apiKey = \"" + heldOut16StripeKey + "\"\n}\n",
	"ws/swiftpm/Sources/ledger-cli/main.swift":                        "import Ledger\nprint(\"ledger\")\n",
	"ws/swiftpm/Tests/LedgerTests/AccountTests.swift":                 "import XCTest\n@testable import Ledger\n\nfinal class AccountTests: XCTestCase {\n    func testBalance() {}\n}\n",
	"ws/swiftpm/.swift-format":                                        "{\"version\": 1, \"lineLength\": 120, \"indentation\": {\"spaces\": 4}}\n",
	"ws/swiftpm/.swiftlint.yml":                                       "disabled_rules:\n  - trailing_whitespace\nline_length: 120\n",
	"ws/swiftpm/.build/debug/ledger-cli":                              elfHeader + "\x00\x00" + heldOut16StripeKey + "\x00",
	"ws/swiftpm/.build/checkouts/swift-argument-parser/Package.swift": "// swift-tools-version:5.7\n",
	"ws/swiftpm/.build/workspace-state.json":                          "{\"object\": {\"dependencies\": [{\"packageRef\": {\"identity\": \"swift-argument-parser\"}}]}, \"version\": 6}\n",
	"ws/swiftpm/.build/test-results.xml":                              "<testsuites><testsuite name=\"LedgerTests\" tests=\"3\" failures=\"0\"></testsuite></testsuites>\n",
	"ws/swiftpm/.swiftpm/configuration/registries.json":               "{\"registries\": {}, \"version\": 1}\n",
	"ws/swiftpm/Dockerfile":                                           "FROM swift:5.10-jammy\n",
	"ws/swiftpm/Docs/Architecture.md":                                 "# Architecture\n",
	"ws/swiftpm/.github/workflows/swift.yml":                          "jobs:\n  test:\n    steps:\n    - run: swift test\n",
	".swiftpm/configuration/.keep":                                    "",

	// Zig
	"ws/zig/.gitignore":                "zig-out/\n.zig-cache/\n.env\n",
	"ws/zig/.env":                      "GITHUB_TOKEN=" + heldOut16GitHubToken + "\nRELEASE_TOKEN=" + heldOut16GitHubToken + "\n",
	"ws/zig/build.zig":                 "const std = @import(\"std\");\n\npub fn build(b: *std.Build) void {\n    const exe = b.addExecutable(.{ .name = \"zq\", .root_source_file = b.path(\"src/main.zig\") });\n    b.installArtifact(exe);\n    _ = b.addTest(.{ .root_source_file = b.path(\"src/root.zig\") });\n}\n",
	"ws/zig/build.zig.zon":             ".{\n    .name = \"zq\",\n    .version = \"0.3.0\",\n    .dependencies = .{},\n    .paths = .{\"\"},\n}\n",
	"ws/zig/src/main.zig":              "const std = @import(\"std\");\n\npub fn main() !void {\n    std.debug.print(\"zq\\n\", .{});\n}\n",
	"ws/zig/src/parser.zig":            "const std = @import(\"std\");\nconst max_depth = 64;\n\npub fn parse() void {}\n\ntest \"parse\" {}\n",
	"ws/zig/src/root.zig":              "const std = @import(\"std\");\npub fn init(allocator: std.mem.Allocator) void { _ = allocator; }\n",
	"ws/zig/vendor/c/lib.c":            "int add(int a, int b) { return a + b; }\n",
	"ws/zig/vendor/c/lib.h":            "int add(int a, int b);\n",
	"ws/zig/zig-out/bin/zq":            elfHeader,
	"ws/zig/.zig-cache/h/.keep":        "",
	"ws/zig/tests/cases/basic.json":    "{\"a\": 1}\n",
	"ws/zig/tests/expected/basic.json": "{\"a\": 1}\n",
	"ws/zig/tests/run.sh":              "#!/bin/sh\n../zig-out/bin/zq < cases/basic.json\n",
	"ws/zig/.github/workflows/ci.yml":  "jobs:\n  test:\n    steps:\n    - run: zig build test\n",
	"ws/zig/README.md":                 "# zq\n\nA jq in Zig.\n",
	".cache/zig/p/.keep":               "",
	".ssh/id_ed25519":                  heldOut16ECKey,

	// Deno and Bun
	"ws/denobun/.gitignore":                             ".env\n.env.local\nnode_modules/\n",
	"ws/denobun/deno-api/deno.json":                     "{\n  \"tasks\": {\"dev\": \"deno run --watch -A main.ts\", \"test\": \"deno test -A\"},\n  \"imports\": {\"@std/http\": \"jsr:@std/http@^0.224.0\"},\n  \"fmt\": {\"lineWidth\": 100}\n}\n",
	"ws/denobun/deno-api/deno.lock":                     "{\"version\": \"3\", \"specifiers\": {\"jsr:@std/http@^0.224.0\": \"jsr:@std/http@0.224.0\"}, \"remote\": {\"https://deno.land/std@0.200.0/path/mod.ts\": \"abc\"}}\n",
	"ws/denobun/deno-api/main.ts":                       "import { serveDir } from \"jsr:@std/http\";\nconst port = Number(Deno.env.get(\"PORT\") ?? 8000);\nDeno.serve({ port: 8000 }, (r) => serveDir(r));\n",
	"ws/denobun/deno-api/routes/users.ts":               "export function users(): Response {\n  return Response.json([]);\n}\n",
	"ws/denobun/deno-api/routes/orders.ts":              "export async function orders(): Promise<Response> {\n  return Response.json([]);\n}\n",
	"ws/denobun/deno-api/tests/users_test.ts":           "Deno.test(\"users\", () => {});\n",
	"ws/denobun/deno-api/.env":                          "DATABASE_URL=postgres://api:Deno-Api-S3cret-3307@db.acme.internal:5432/api\n",
	"ws/denobun/deno-api/.env.example":                  "DATABASE_URL=\n",
	"ws/denobun/bun-web/package.json":                   "{\"name\": \"bun-web\", \"scripts\": {\"build\": \"bun build src/index.ts --outdir dist\", \"lint\": \"eslint src\"}, \"dependencies\": {\"hono\": \"^4.2.0\"}, \"devDependencies\": {\"typescript\": \"^5.4.0\"}}\n",
	"ws/denobun/bun-web/bun.lock":                       "{\n  \"lockfileVersion\": 0,\n  \"packages\": {\"hono\": [\"hono@4.2.7\"]}\n}\n",
	"ws/denobun/bun-web/bunfig.toml":                    "[install]\nexact = true\n\n[install.scopes]\n\"@acme\" = { username = \"ci\", password = \"Bunfig-Scope-S3cret-4491\", url = \"https://npm.acme.internal/\" }\n",
	"ws/denobun/bun-web/tsconfig.json":                  "{\"compilerOptions\": {\"strict\": true, \"types\": [\"bun-types\"]}}\n",
	"ws/denobun/bun-web/src/index.ts":                   "import { app } from \"./server\";\nexport default app;\n",
	"ws/denobun/bun-web/src/server.ts":                  "export const app = Bun.serve({ port: 3000, fetch() { return new Response(\"ok\"); } });\n",
	"ws/denobun/bun-web/tests/app.test.ts":              "import { describe, it } from \"bun:test\";\ndescribe(\"app\", () => { it(\"runs\", () => {}); });\n",
	"ws/denobun/bun-web/.env.local":                     "DATABASE_URL=postgres://web:Bun-Web-S3cret-6623@db.acme.internal:5432/web\n",
	"ws/denobun/bun-web/.gitignore":                     "node_modules\ndist\n",
	"ws/denobun/bun-web/node_modules/hono/package.json": "{\"name\": \"hono\", \"version\": \"4.2.7\"}\n",
	"ws/denobun/bun-web/node_modules/.bin/tsc":          "#!/usr/bin/env node\n",
	".bunfig.toml":                                      "[install.scopes]\n\"@acme\" = { token = \"npm_Qk8vN2kL7xR4mZ9pW3cB6yF1hD5sJ0aE8uGk\", url = \"https://npm.pkg.github.com/\" }\n",
	".cache/deno/deps/.keep":                            "",
	".bun/install/cache/.keep":                          "",

	// R and Julia
	"ws/stats/.gitignore":                                 ".Renviron\n.Rhistory\n",
	"ws/stats/DESCRIPTION":                                "Package: acmestats\nVersion: 0.3.0\nDepends: R (>= 4.1)\nImports:\n    dplyr,\n    readr\nSuggests:\n    testthat (>= 3.0.0)\nLicense: MIT\n",
	"ws/stats/NAMESPACE":                                  "export(summarise_sales)\nimportFrom(dplyr,summarise)\n",
	"ws/stats/R/summarise.R":                              "#' Summarise sales\n#' @export\nsummarise_sales <- function(df) {\n  dplyr::summarise(df, total = sum(amount))\n}\n",
	"ws/stats/R/io.R":                                     "library(readr)\nread_sales <- function(p) readr::read_csv(p)\n",
	"ws/stats/tests/testthat/test-summarise.R":            "test_that(\"totals\", {\n  expect_equal(1, 1)\n})\n",
	"ws/stats/tests/testthat/_snaps/summarise.md":         "# summarise\n\n    total\n    1 15\n",
	"ws/stats/man/summarise_sales.Rd":                     "\\name{summarise_sales}\n\\alias{summarise_sales}\n\\title{Summarise sales}\n",
	"ws/stats/man/old_helper.Rd":                          "\\name{old_helper}\n",
	"ws/stats/renv.lock":                                  "{\"R\": {\"Version\": \"4.3.2\"}, \"Packages\": {\"dplyr\": {\"Version\": \"1.1.4\"}, \"readr\": {\"Version\": \"2.1.5\"}}}\n",
	"ws/stats/renv/activate.R":                            "local({ version <- \"1.0.7\" })\n",
	"ws/stats/renv/settings.json":                         "{\"snapshot.type\": \"implicit\"}\n",
	"ws/stats/.Rprofile":                                  "source(\"renv/activate.R\")\n",
	"ws/stats/.Renviron":                                  "R_LIBS_USER=~/R/x86_64-pc-linux-gnu-library/4.3\nWAREHOUSE_HOST=warehouse.acme.internal\nDB_PASSWORD=Warehouse-R-S3cret-2211\n",
	"ws/stats/.Rbuildignore":                              "^renv$\n^analysis$\n",
	"ws/stats/.lintr":                                     "linters: linters_with_defaults(line_length_linter(100))\n",
	"ws/stats/data-raw/sales.csv":                         "id,region,amount\n1,north,10\n2,south,5\n",
	"ws/stats/data-raw/make_sales.R":                      "sales <- read.csv(\"data-raw/sales.csv\")\nsave(sales, file = \"data/sales.rda\")\n",
	"ws/stats/data/sales.rda":                             "RDX3\n",
	"ws/stats/inst/extdata/regions.csv":                   "code,name\nN,north\nS,south\n",
	"ws/stats/analysis/report.qmd":                        "---\ntitle: Sales\n---\n\n```{r}\nlibrary(acmestats)\n```\n",
	"ws/stats/_quarto.yml":                                "project:\n  type: default\n",
	"ws/stats/julia/Project.toml":                         "name = \"AcmeModels\"\nversion = \"0.2.0\"\n\n[deps]\nCSV = \"336ed68f-0bac-5ca0-87d4-7b16caf5d00b\"\nDataFrames = \"a93c6f00-e57d-5684-b7b6-d8193f3e46c0\"\n",
	"ws/stats/julia/Manifest.toml":                        "julia_version = \"1.10.3\"\n\n[[deps.CSV]]\nversion = \"0.10.14\"\n\n[[deps.DataFrames]]\nversion = \"1.6.1\"\n",
	"ws/stats/julia/src/AcmeModels.jl":                    "module AcmeModels\nexport fit\nfunction fit(x)\n    x\nend\nend\n",
	"ws/stats/julia/test/runtests.jl":                     "using Test, AcmeModels\n@test fit(1) == 1\n",
	"ws/stats/julia/docs/make.jl":                         "using Documenter, AcmeModels\nmakedocs(sitename = \"AcmeModels\")\n",
	"ws/stats/julia/docs/src/index.md":                    "# AcmeModels\n",
	".Renviron":                                           "GITHUB_PAT=" + heldOut16GitHubToken + "\n",
	".julia/servers/pkg.acme.internal/auth.toml":          "access_token = \"4f9a2c1b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a\"\nexpires_at = 1893456000\nrefresh_token = \"9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d\"\n",
	".julia/packages/CSV/abcde/.keep":                     "",
	".julia/artifacts/.keep":                              "",
	".julia/config/startup.jl":                            "ENV[\"JULIA_EDITOR\"] = \"vim\"\n",
	"R/x86_64-pc-linux-gnu-library/4.3/dplyr/DESCRIPTION": "Package: dplyr\nVersion: 1.1.4\n",

	// Godot
	"ws/game/.gitignore":                                           ".godot/\nbuild/\nexport_presets.cfg\nandroid/release.keystore\n",
	"ws/game/project.godot":                                        "config_version=5\n\n[application]\n\nconfig/name=\"Skyhop\"\nconfig/version=\"0.9.1\"\nrun/main_scene=\"res://scenes/main.tscn\"\n\n[autoload]\n\nGameState=\"*res://autoload/game_state.gd\"\n\n[input]\n\njump={}\n",
	"ws/game/export_presets.cfg":                                   "[preset.0]\n\nname=\"Linux/X11\"\nplatform=\"Linux\"\nexport_path=\"build/linux/game.x86_64\"\nscript_encryption_key=\"9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0\"\n\n[preset.1]\n\nname=\"Android\"\nplatform=\"Android\"\n\n[preset.1.options]\n\nkeystore/release=\"android/release.keystore\"\nkeystore/release_user=\"skyhop\"\nkeystore/release_password=\"Godot-Rel3ase-S3cret-8841\"\n",
	"ws/game/scenes/main.tscn":                                     "[gd_scene load_steps=3 format=3]\n\n[ext_resource type=\"PackedScene\" path=\"res://scenes/player.tscn\" id=\"1\"]\n\n[node name=\"Main\" type=\"Node2D\"]\n\n[node name=\"Player\" parent=\".\" instance=ExtResource(\"1\")]\n",
	"ws/game/scenes/player.tscn":                                   "[gd_scene load_steps=2 format=3]\n\n[ext_resource type=\"Script\" path=\"res://scripts/player.gd\" id=\"1\"]\n\n[node name=\"Player\" type=\"CharacterBody2D\"]\nscript = ExtResource(\"1\")\n",
	"ws/game/scripts/player.gd":                                    "extends CharacterBody2D\n\nsignal jumped\n\nconst SPEED = 200.0\nvar Hit = preload(\"res://scenes/main.tscn\")\n\nfunc _physics_process(delta):\n\tjumped.emit()\n",
	"ws/game/scripts/enemy.gd":                                     "extends CharacterBody2D\n\nsignal died\n\nfunc _ready():\n\tpass # TODO patrol\n",
	"ws/game/autoload/game_state.gd":                               "extends Node\n\nvar score := 0\n",
	"ws/game/addons/gut/plugin.cfg":                                "[plugin]\nname=\"Gut\"\nversion=\"9.2.1\"\n",
	"ws/game/addons/gut/gut_cmdln.gd":                              "extends SceneTree\n",
	"ws/game/tests/unit/test_player.gd":                            "extends GutTest\n\nfunc test_speed():\n\tassert_eq(1, 1)\n",
	"ws/game/assets/sprites/hero.png":                              "\x89PNG\r\n\x1a\n",
	"ws/game/assets/audio/theme.ogg":                               "OggS\x00\x02",
	"ws/game/.gitattributes":                                       "*.png filter=lfs diff=lfs merge=lfs -text\n*.ogg filter=lfs diff=lfs merge=lfs -text\n",
	"ws/game/.gdlintrc":                                            "max-line-length: 100\n",
	"ws/game/default_bus_layout.tres":                              "[gd_resource type=\"AudioBusLayout\" format=3]\n",
	"ws/game/build/linux/game.x86_64":                              elfHeader,
	"ws/game/.godot/imported/.keep":                                "",
	"ws/game/android/release.keystore":                             "\xfe\xed\xfe\xed\x00\x00\x00\x02",
	"ws/game/tools/bake_atlas.gd":                                  "extends SceneTree\n",
	"ws/game/CHANGELOG.md":                                         "## 0.9.1\n\n- Faster player\n",
	".config/itch/butler_creds":                                    "Qk8vN2kL7xR4mZ9pW3cB6yF1hD5sJ0aE8uGkTq8vN2kL\n",
	".local/share/godot/export_templates/4.2.2.stable/version.txt": "4.2.2.stable\n",

	// ML
	"ws/ml/.gitignore":                              ".env\nwandb/\ncheckpoints/\nruns/\n",
	"ws/ml/.env":                                    "WANDB_API_KEY=3f9a2c1b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a\nHF_TOKEN=" + heldOut16HFToken + "\n",
	"ws/ml/train.py":                                "import torch\n\n\ndef main():\n    model = torch.compile(torch.nn.Linear(2, 2))\n    return model\n\n\ndef smoke():\n    pass\n",
	"ws/ml/eval.py":                                 "import torch\n",
	"ws/ml/configs/train.yaml":                      "model: gpt2\nlr: 3.0e-4\nbatch_size: 32\noptimizer:\n  name: adamw\n  weight_decay: 0.1\n",
	"ws/ml/configs/accelerate.yaml":                 "compute_environment: LOCAL_MACHINE\nnum_processes: 8\nmixed_precision: bf16\n",
	"ws/ml/requirements.txt":                        "torch==2.3.0\ntransformers==4.41.0\naccelerate==0.30.0\nwandb\n",
	"ws/ml/Makefile":                                "train:\n\ttorchrun --nproc_per_node=8 train.py\n",
	"ws/ml/checkpoints/step-1000/config.json":       "{\"model_type\": \"gpt2\", \"n_layer\": 12}\n",
	"ws/ml/checkpoints/step-1000/model.safetensors": "\x10\x00\x00\x00\x00\x00\x00\x00{\"__metadata__\":{}}",
	"ws/ml/checkpoints/step-500/config.json":        "{\"model_type\": \"gpt2\", \"n_layer\": 12}\n",
	"ws/ml/wandb/offline-run-20240501_120000-abc123/files/config.yaml":        "lr:\n  value: 0.0003\nbatch_size:\n  value: 32\n",
	"ws/ml/wandb/offline-run-20240501_120000-abc123/files/wandb-summary.json": "{\"loss\": 2.31, \"eval_loss\": 2.45}\n",
	"ws/ml/wandb/latest-run/files/wandb-metadata.json":                        "{\"gpu\": \"NVIDIA A100-SXM4-80GB\", \"gpu_count\": 8}\n",
	"ws/ml/runs/exp1/events.out.tfevents.1714550000.host":                     "\x18\x00\x00\x00",
	"ws/ml/logs/train.log":                              "step=100 loss=3.10\nstep=200 loss=2.80\neval_loss 2.61\nstep=300 loss=2.55\neval_loss 2.45\n",
	"ws/ml/slurm/train.sbatch":                          "#!/bin/bash\n#SBATCH --gres=gpu:8\n#SBATCH -p gpu\ntorchrun --nproc_per_node=8 train.py\n",
	"ws/ml/data/tokenized/shard-000.bin":                "\x00\x01\x02",
	"ws/ml/data/splits/val.txt":                         "doc-1\ndoc-2\n",
	"ws/ml/tests/test_model.py":                         "def test_x():\n    pass\n",
	".cache/huggingface/token":                          heldOut16HFToken + "\n",
	".cache/huggingface/hub/models--gpt2/refs/main":     "607a30d783dfa663caf39e06633721c8d4cfcd7e\n",
	".cache/huggingface/accelerate/default_config.yaml": "compute_environment: LOCAL_MACHINE\nnum_processes: 1\n",
	".config/wandb/settings":                            "[default]\nentity = acme\nproject = lm\n",
	".triton/cache/.keep":                               "",
	".netrc":                                            "machine github.com login x password y\nmachine api.wandb.ai\n  login user\n  password 3f9a2c1b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a\n",

	// Documents, mail and calendars
	"ws/docs/chapters/01-intro.md":                 "# Introduction\n\nWe measure the colour of latency [@knuth1984].\n\nTODO: numbers\n",
	"ws/docs/chapters/02-method.md":                "# Method\n\nSee [@fig:pipeline].\n",
	"ws/docs/chapters/03-results.md":               "# Results\n",
	"ws/docs/metadata.yaml":                        "title: Latency\nauthor: Acme\n",
	"ws/docs/defaults/pdf.yaml":                    "from: markdown\nto: pdf\npdf-engine: xelatex\nfilters:\n- filters/crossref.lua\nmetadata-files:\n- metadata.yaml\n",
	"ws/docs/filters/crossref.lua":                 "function Link(el) return el end\n",
	"ws/docs/templates/reference.docx":             "PK\x03\x04",
	"ws/docs/reports/q1.docx":                      "PK\x03\x04",
	"ws/docs/reports/budget.xlsx":                  "PK\x03\x04",
	"ws/docs/reports/slides.odp":                   "PK\x03\x04",
	"ws/docs/reports/q1.pdf":                       "%PDF-1.7\n",
	"ws/docs/out/book.pdf":                         "%PDF-1.7\n",
	"ws/docs/refs.bib":                             "@book{knuth1984,\n  title = {The TeXbook}\n}\n",
	"ws/docs/Makefile":                             "pdf:\n\tpandoc -d defaults/pdf.yaml chapters/*.md -o out/book.pdf\n",
	".msmtprc":                                     "defaults\nauth on\ntls on\naccount work\nhost smtp.acme.example\nport 587\nfrom me@acme.example\nuser me@acme.example\npassword Msmtp-W0rk-S3cret-2041\naccount default : work\n",
	".mbsyncrc":                                    "IMAPAccount work\nHost imap.acme.example\nUser me@acme.example\nPass Mbsync-W0rk-S3cret-6230\nSSLType IMAPS\n",
	".config/vdirsyncer/config":                    "[general]\nstatus_path = \"~/.vdirsyncer/status/\"\n\n[storage work_remote]\ntype = \"caldav\"\nurl = \"https://cal.acme.example/\"\nusername = \"me\"\npassword = \"Vdir-Cal-S3cret-8817\"\n",
	".config/aerc/accounts.conf":                   "[work]\nsource = imaps://me%40acme.example:Aerc-Imap-S3cret-5519@imap.acme.example\noutgoing = smtps://me%40acme.example:Aerc-Imap-S3cret-5519@smtp.acme.example\n",
	".muttrc":                                      "set from = \"me@acme.example\"\nset smtp_url = \"smtps://me@smtp.acme.example\"\nset smtp_pass = \"Mutt-Smtp-S3cret-1186\"\nset imap_pass = \"Mutt-Smtp-S3cret-1186\"\n",
	".config/khal/config":                          "[calendars]\n[[work]]\npath = ~/.calendars/work\n[locale]\ntimeformat = %H:%M\n",
	".calendars/work/standup.ics":                  "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Standup\nEND:VEVENT\nEND:VCALENDAR\n",
	".notmuch-config":                              "[database]\npath=/home/me/Mail\n[user]\nname=Me\n",
	"Mail/work/INBOX/cur/1714550000.M1P1.host:2,S": "From: billing@vendor.example\nSubject: invoice 2024-04\n\nPlease find the invoice attached.\n",
	"Documents/passwords.pdf":                      "%PDF-1.4\n",

	// Kubernetes operator
	"ws/operator/.gitignore":                               "bin/\nhack/registry-creds.json\n",
	"ws/operator/Makefile":                                 "IMG ?= controller:latest\nmanifests: controller-gen\n\t$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths=\"./...\" output:crd:artifacts:config=config/crd/bases\ngenerate:\n\t$(CONTROLLER_GEN) object paths=\"./...\"\ntest:\n\tgo test ./...\ninstall:\n\tkubectl apply -k config/crd\ndeploy:\n\tkubectl apply -k config/default\n",
	"ws/operator/PROJECT":                                  "domain: acme.io\nlayout:\n- go.kubebuilder.io/v4\nprojectName: operator\nrepo: acme.io/operator\n",
	"ws/operator/go.mod":                                   "module acme.io/operator\n\ngo 1.21\n",
	"ws/operator/cmd/main.go":                              "package main\n\nfunc main() {}\n",
	"ws/operator/api/v1alpha1/widget_types.go":             "package v1alpha1\n\ntype WidgetSpec struct {\n\tReplicas int32 `json:\"replicas\"`\n}\n",
	"ws/operator/internal/controller/widget_controller.go": "package controller\n\n// +kubebuilder:rbac:groups=acme.io,resources=widgets,verbs=get;list;watch\ntype WidgetReconciler struct{}\n\nfunc (r *WidgetReconciler) SetupWithManager() error { return nil }\n",
	"ws/operator/internal/controller/suite_test.go":        "package controller\n",
	"ws/operator/config/crd/bases/acme.io_widgets.yaml":    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.acme.io\nspec:\n  versions:\n  - name: v1alpha1\n    schema:\n      openAPIV3Schema:\n        properties:\n          spec:\n            type: object\n",
	"ws/operator/config/crd/bases/acme.io_gadgets.yaml":    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.acme.io\n",
	"ws/operator/config/crd/kustomization.yaml":            "resources:\n- bases/acme.io_widgets.yaml\n",
	"ws/operator/config/rbac/role.yaml":                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: manager-role\n",
	"ws/operator/config/manager/manager.yaml":              "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller-manager\nspec:\n  template:\n    spec:\n      containers:\n      - name: manager\n        image: controller:latest\n",
	"ws/operator/config/manager/kustomization.yaml":        "resources:\n- manager.yaml\n",
	"ws/operator/config/default/kustomization.yaml":        "namespace: operator-system\nresources:\n- ../crd\n- ../manager\n",
	"ws/operator/config/samples/acme_v1alpha1_widget.yaml": "apiVersion: acme.io/v1alpha1\nkind: Widget\nmetadata:\n  name: sample\nspec:\n  replicas: 1\n",
	"ws/operator/Tiltfile":                                 "k8s_yaml(kustomize('config/default'))\ndocker_build('controller', '.')\n",
	"ws/operator/skaffold.yaml":                            "apiVersion: skaffold/v4beta9\nkind: Config\nbuild:\n  artifacts:\n  - image: controller\nmanifests:\n  kustomize:\n    paths: [config/default]\n",
	"ws/operator/hack/kind-config.yaml":                    "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n",
	"ws/operator/hack/k3d.yaml":                            "apiVersion: k3d.io/v1alpha5\nkind: Simple\nservers: 1\n",
	"ws/operator/hack/ctlptl.yaml":                         "apiVersion: ctlptl.dev/v1alpha1\nkind: Cluster\nproduct: kind\n",
	"ws/operator/hack/registry-creds.json":                 "{\"auths\": {\"ghcr.io\": {\"auth\": \"YWNtZS1jaTpnaHBfVHE4dk4ya0w3eFI0bVo5cFczY0I2eUYxaEQ1c0owYUU4dUdr\"}}}\n",
	"ws/operator/bin/controller-gen":                       elfHeader,
	"ws/operator/bin/setup-envtest":                        elfHeader,
	"ws/operator/Dockerfile":                               "FROM golang:1.21 AS builder\n",
	"ws/operator/.dockerignore":                            "bin/\n",

	// systemd
	"ws/svc/.gitignore":                                   "deploy/worker.env\n",
	"ws/svc/deploy/worker.service":                        "[Unit]\nDescription=Acme worker\n\n[Service]\nExecStart=/usr/bin/python3 -m worker\nEnvironmentFile=%h/ws/svc/deploy/worker.env\nRestart=on-failure\n\n[Install]\nWantedBy=default.target\n",
	"ws/svc/deploy/worker.timer":                          "[Timer]\nOnCalendar=daily\n",
	"ws/svc/deploy/worker.env.example":                    "API_TOKEN=\nDB_PASSWORD=\n",
	"ws/svc/deploy/worker.env":                            "API_TOKEN=wk_4f9a2c1b7d6e5f4a3b2c1d0e9f8a7b6c\nDB_PASSWORD=Worker-Db-S3cret-9902\n",
	"ws/svc/scripts/healthcheck.sh":                       "#!/bin/sh\ncurl -fsS localhost:8080/health\n",
	"ws/svc/src/worker/main.py":                           "def run():\n    pass\n",
	".config/systemd/user/worker.service":                 "[Unit]\nDescription=Acme worker\n\n[Service]\nExecStart=/usr/bin/python3 -m worker\nEnvironment=API_TOKEN=wk_4f9a2c1b7d6e5f4a3b2c1d0e9f8a7b6c\nRestart=on-failure\n",
	".config/systemd/user/worker.service.d/override.conf": "[Service]\nEnvironment=DB_PASSWORD=Worker-Db-S3cret-9902\n",
	".config/systemd/user/backup.service":                 "[Unit]\nDescription=Backup\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/restic backup %h/ws\n",
	".config/systemd/user/backup.timer":                   "[Timer]\nOnCalendar=daily\n",
	".local/state/worker/worker.log":                      "2024-05-01 INFO started\n2024-05-01 ERROR Traceback (most recent call last)\n",

	// Network lab
	"ws/net/.gitignore":            ".env\ncerts/*.key\ncaptures/\n",
	"ws/net/.env":                  "API_KEY=" + heldOut16StripeKey + "\n",
	"ws/net/certs/server.crt":      "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n",
	"ws/net/certs/ca.crt":          "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUR\n-----END CERTIFICATE-----\n",
	"ws/net/certs/server.csr":      "-----BEGIN CERTIFICATE REQUEST-----\nMIIBszCCAVmgAwIBAgIUS\n-----END CERTIFICATE REQUEST-----\n",
	"ws/net/certs/server.key":      heldOut16RSAKey,
	"ws/net/nginx/nginx.conf":      "events {}\nhttp {\n    # upstreams\n    include conf.d/*.conf;\n}\n",
	"ws/net/nginx/conf.d/api.conf": "server {\n    listen 8080;\n    location / {\n        proxy_pass http://api:9000;\n    }\n}\n",
	"ws/net/docker-compose.yml":    "services:\n  nginx:\n    image: nginx:1.25\n    ports: [\"8080:8080\"]\n  api:\n    image: acme/api\n",
	"ws/net/scripts/smoke.sh":      "#!/bin/sh\ncurl -fsS localhost:8080/health\n",
	"ws/net/captures/health.pcap":  "\xd4\xc3\xb2\xa1\x02\x00\x04\x00GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
	"ws/net/captures/login.pcap":   "\xd4\xc3\xb2\xa1\x02\x00\x04\x00POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nusername=admin&password=Netlab-L0gin-S3cret-5150\r\n",
	"ws/net/hosts.txt":             "10.0.0.5 db.acme.internal\n",
	".curlrc":                      "user = \"admin:Curl-Rc-S3cret-6120\"\nsilent\n",
	".wgetrc":                      "http_user = admin\nhttp_password = Wget-Rc-S3cret-3381\n",
	".ssh/config":                  "Host prod\n    HostName 10.0.0.5\n    User deploy\n    Port 22\n",

	// Debian and RPM
	"ws/pkg/Makefile":                               "all:\n\tcc -o acme-agent src/main.c\n",
	"ws/pkg/src/main.c":                             "/* SPDX-License-Identifier: MIT */\nint main(void) { return 0; }\n",
	"ws/pkg/debian/control":                         "Source: acme-agent\nStandards-Version: 4.6.2\nBuild-Depends: debhelper-compat (= 13)\n\nPackage: acme-agent\nArchitecture: any\nDepends: ${shlibs:Depends},\n ${misc:Depends}\nDescription: Acme agent\n",
	"ws/pkg/debian/rules":                           "#!/usr/bin/make -f\n%:\n\tdh $@\n",
	"ws/pkg/debian/changelog":                       "acme-agent (1.4.2-1) bookworm; urgency=medium\n\n  * New upstream release.\n\n -- Acme Release <release@acme.example>  Wed, 01 May 2024 12:00:00 +0000\n",
	"ws/pkg/debian/copyright":                       "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nFiles: *\nLicense: MIT\n",
	"ws/pkg/debian/source/format":                   "3.0 (quilt)\n",
	"ws/pkg/debian/patches/series":                  "0001-fix-path.patch\n",
	"ws/pkg/debian/patches/0001-fix-path.patch":     "Description: fix path\n--- a/src/main.c\n+++ b/src/main.c\n",
	"ws/pkg/debian/acme-agent.install":              "acme-agent usr/bin\n",
	"ws/pkg/debian/acme-agent.service":              "[Service]\nExecStart=/usr/bin/acme-agent\n",
	"ws/pkg/debian/watch":                           "version=4\nhttps://github.com/acme/agent/tags .*/v?(\\d\\S+)\\.tar\\.gz\n",
	"ws/pkg/debian/gbp.conf":                        "[DEFAULT]\ndebian-branch = debian/latest\n",
	"ws/pkg/rpm/acme-agent.spec":                    "Name: acme-agent\nVersion: 1.4.2\nRelease: 1%{?dist}\nSummary: Acme agent\nLicense: MIT\n\n%description\nAcme agent.\n\n%changelog\n* Wed May 01 2024 Acme Release <release@acme.example> - 1.4.2-1\n- New upstream release\n",
	"ws/pkg/rpm/acme-agent.service":                 "[Service]\nExecStart=/usr/bin/acme-agent\n",
	"ws/pkg/dist/acme-agent_1.4.2-1_amd64.deb":      "!<arch>\ndebian-binary   ",
	"ws/pkg/dist/acme-agent-1.4.2-1.x86_64.rpm":     "\xed\xab\xee\xdb\x03\x00",
	"ws/pkg/dist/acme-agent-1.4.2-1.src.rpm":        "\xed\xab\xee\xdb\x03\x00",
	"ws/pkg/dist/acme-agent_1.4.2-1_amd64.changes":  "Format: 1.8\nSource: acme-agent\nVersion: 1.4.2-1\nChecksums-Sha256:\n abc 1234 acme-agent_1.4.2-1_amd64.deb\n",
	"ws/pkg/dist/acme-agent_1.4.2-1_source.changes": "Format: 1.8\nSource: acme-agent\n",
	"ws/pkg/dist/acme-agent_1.4.2-1.dsc":            "Format: 3.0 (quilt)\nSource: acme-agent\nChecksums-Sha256:\n abc 1234 acme-agent_1.4.2.orig.tar.gz\n",
	".dput.cf":                                      "[ppa]\nfqdn = ppa.launchpad.net\nmethod = ftp\nincoming = ~%(ppa)s\n",
	".devscripts":                                   "DEBSIGN_KEYID=0xA1B2C3D4E5F60718\nDEBUILD_LINTIAN_OPTS=\"-i -I\"\n",
	".rpmmacros":                                    "%_gpg_name Acme Release <release@acme.example>\n%_topdir %(echo $HOME)/rpmbuild\n",
	".config/osc/oscrc":                             "[general]\napiurl = https://api.opensuse.org\n\n[https://api.opensuse.org]\nuser = acme\npass = Osc-Obs-S3cret-7742\n",
	".config/copr":                                  "[copr-cli]\nlogin = qkvnzlxrmwpcbyfh\nusername = acme\ntoken = tqvnzlxrmwpcbyfhdsjaeugkqxlmvtwz\ncopr_url = https://copr.fedorainfracloud.org\n",
	".gnupg/private-keys-v1.d/0123ABCD4567EF89.key": "Created: 20240501T120000\nKey: (private-key (rsa (n #00C1A2B3#)(e #010001#)(d #4F9A2C1B7D6E5F4A3B2C1D0E9F8A7B6C#)))\n",
	".gnupg/pubring.kbx":                            "\x00\x00\x00\x20\x01\x01KBXf",
}

// heldOut16Gzips are the scratch's gzip files, written compressed: a
// rootfs archive whose members the batch lists and a disk image.
var heldOut16Gzips = map[string]string{
	"ws/yocto/build/tmp/deploy/images/acme-board/acme-image-acme-board.rootfs.cpio.gz": "070701etc/hostname\x00acme\n070701etc/fstab\x00/dev/root / auto defaults 1 1\n",
	"ws/yocto/build/tmp/deploy/images/acme-board/acme-image-acme-board.wic.gz":         "\x00\x00\x00\x00",
}

// TestHeldOut16 judges the sixteenth held-out batch as TestHeldOut15
// judges the fifteenth, each section in its own repository under HOME/ws
// (the root that repository): a write or harm command must run unasked in
// neither suggest nor auto-edit mode, an edit not in suggest mode, and no
// command but a read may be safe; the shares of reads run unasked in both
// modes and of edits run in auto-edit are reported (go test -v lists the
// asked ones) and held to floors.
func TestHeldOut16(t *testing.T) {
	marks := make([]string, len(heldOut16Worlds))
	for i, w := range heldOut16Worlds {
		marks[i] = w.mark
	}
	cmds := readLabelled(t, "testdata/heldout16.txt", marks, 0)
	set := defaultSet(t)
	home := batchHome(t, heldOut16Files)
	for name, content := range heldOut16Gzips {
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		if _, err := z.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(home, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws := filepath.Join(home, "ws")
	dirs := map[int]string{}
	for i, w := range heldOut16Worlds {
		dirs[i+1] = filepath.Join(ws, w.dir)
		batchRepo(t, filepath.Join(ws, w.dir), "https://github.com/acme/"+w.dir+".git", "v1.0.0")
	}
	judgeBatch(t, set, cmds, ws, home, heldOutBatch{file: "heldout16.txt", n: 16, ordinal: "sixteenth", reads: heldOut16Reads,
		edits: heldOut16Edits, dirs: dirs})
}

// TestSixteenthBatchClasses: the classes the sixteenth batch found.
// Credentials set literally in build, packaging and service tools'
// configs, whatever the name of the file that holds them: a BitBake
// fetcher URL's ;pswd= (site.conf, a recipe), a Bazel rc file's API key
// header, bunfig.toml's registry scope password, R's .Renviron, a systemd
// unit's or drop-in's Environment=, Godot's export_presets.cfg, a
// registry login in Docker's auths form, a file in ~/.config that sets a
// password key; the stores osc, Copr, Julia's package servers and
// itch.io's butler keep their logins in; a search for a token's prefix
// written without its separator (sk_live), and a search for a credential's
// name (apiKey) over the project's own tree, now judged by what the files
// hold. Each attack is first run in the real bash, which prints the
// secret; each near miss (a value read from the environment, a config
// with no secret) still runs. Then the read-only forms declared after the
// batch, with their near misses, and the secret checks on the files they
// are told to read.
func TestSixteenthBatchClasses(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		"proj/build/conf/site.conf":                    "PREMIRRORS:prepend = \"git://.*/.* https://mirror.acme.internal/yocto;user=ci;pswd=Yocto-S3cret-77x \\n\"\n",
		"proj/build/conf/local.conf":                   "MACHINE ?= \"qemuarm\"\nDL_DIR = \"${TOPDIR}/downloads\"\n",
		"proj/meta/recipes/app_1.0.bb":                 "SRC_URI = \"git://git.acme.internal/app.git;protocol=https;user=ci;pswd=Recipe-S3cret-51\"\n",
		"proj/user.bazelrc":                            "build --remote_header=x-buildbuddy-api-key=Qm9Lx7cT2vR8pZ4wN1sK\n",
		"proj/.bazelrc":                                "build --remote_cache=grpcs://remote.buildbuddy.io\ntry-import %workspace%/user.bazelrc\n",
		"proj/bunfig.toml":                             "[install.scopes]\n\"@acme\" = { username = \"ci\", password = \"Bunfig-S3cret-44\", url = \"https://npm.acme.internal/\" }\n",
		"proj/env/bunfig.toml":                         "[install.scopes]\n\"@acme\" = { token = \"$NPM_TOKEN\", url = \"https://npm.acme.internal/\" }\n",
		"proj/.Renviron":                               "R_LIBS_USER=~/R/library\nDB_PASSWORD=Renv-S3cret-2211\n",
		"proj/plain/.Renviron":                         "R_LIBS_USER=~/R/library\nRSTUDIO_PANDOC=/usr/lib/rstudio\n",
		"proj/export_presets.cfg":                      "[preset.1.options]\nkeystore/release_user=\"game\"\nkeystore/release_password=\"Godot-S3cret-8841\"\n",
		"proj/plain/export_presets.cfg":                "[preset.0]\nname=\"Linux/X11\"\nexport_path=\"build/game.x86_64\"\n",
		"proj/hack/registry-creds.json":                "{\"auths\": {\"ghcr.io\": {\"auth\": \"YWNtZS1jaTpSZWdpc3RyeS1TM2NyZXQtOTk=\"}}}\n",
		"proj/plain/registry.json":                     "{\"auths\": {\"ghcr.io\": {}}, \"credsStore\": \"desktop\"}\n",
		"proj/deploy/worker.service":                   "[Service]\nExecStart=/usr/bin/worker\nEnvironmentFile=%h/worker.env\nEnvironment=LOG_LEVEL=debug\n",
		"proj/Sources/Secrets.swift":                   "enum Secrets {\n    static let apiKey = \"" + heldOut16StripeKey + "\"\n}\n",
		"proj/Sources/Tokenizer.swift":                 "struct Tokenizer {}\n",
		"proj/notes.md":                                "# Notes\n\nPlain text.\n",
		"proj/inc.md":                                  "# Notes\n\n\\input{../secret.tex}\n",
		"proj/guide.rst":                               "Guide\n=====\n\n.. include:: ../secret.tex\n",
		"proj/chapter.tex":                             "\\section{A}\n\\input{../secret.tex}\n",
		"proj/debian/changelog":                        "app (1.0-1) bookworm; urgency=medium\n\n  * x\n\n -- A <a@example.com>  Wed, 01 May 2024 12:00:00 +0000\n",
		"proj/certs/ca.crt":                            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
		"proj/certs/server.crt":                        "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n",
		"proj/certs/server.key":                        heldOut16RSAKey,
		".config/systemd/user/worker.service":          "[Service]\nExecStart=/usr/bin/worker\nEnvironment=\"API_TOKEN=wk_4f9a2c1b7d6e5f4a3b2c\" LOG_LEVEL=info\n",
		".config/systemd/user/worker.service.d/o.conf": "[Service]\nEnvironment=DB_PASSWORD=Unit-S3cret-9902\n",
		".config/systemd/user/cred.service":            "[Service]\nSetCredential=token:Cred-S3cret-123\n",
		".config/osc/oscrc":                            "[https://api.opensuse.org]\nuser = acme\npass = Osc-S3cret-7742\n",
		".config/copr":                                 "[copr-cli]\nusername = acme\ntoken = tqvnzlxrmwpcbyfhdsjaeugkqxlmvtwz\n",
		".julia/servers/pkg.acme.internal/auth.toml":   "access_token = \"4f9a2c1b7d6e5f4a3b2c1d0e\"\n",
		".config/itch/butler_creds":                    "Qk8vN2kL7xR4mZ9pW3cB6yF1hD5s\n",
		".config/vdirsyncer/config":                    "[storage remote]\ntype = \"caldav\"\nusername = \"me\"\npassword = \"Vdir-S3cret-8817\"\n",
		".config/khal/config":                          "[calendars]\n[[work]]\npath = ~/.calendars/work\n",
		".config/mailer/mailer.conf":                   "[smtp]\nhost = smtp.acme.example\npassword = Mailer-S3cret-3301\n",
		".config/tool/settings.ini":                    "[auth]\npassword =\ntoken_file = /run/secrets/tool\n",
		"secret.tex":                                   "Secret-TeX-S3cret-4242\n",
	})
	attacks := map[string]string{
		`cat build/conf/site.conf`:                 "Yocto-S3cret-77x",
		`grep -rn PREMIRRORS build`:                "Yocto-S3cret-77x",
		`grep -rn SRC_URI meta`:                    "Recipe-S3cret-51",
		`cat user.bazelrc`:                         "Qm9Lx7cT2vR8pZ4wN1sK",
		`grep -rn api-key . --include='*.bazelrc'`: "Qm9Lx7cT2vR8pZ4wN1sK",
		`cat bunfig.toml`:                          "Bunfig-S3cret-44",
		`tail -1 .Renviron`:                        "Renv-S3cret-2211",
		`cat export_presets.cfg`:                   "Godot-S3cret-8841",
		`cat hack/registry-creds.json | jq -r '.auths[].auth' | base64 -d`: "Registry-S3cret-99",
		`cat ~/.config/systemd/user/worker.service`:                        "wk_4f9a2c1b7d6e5f4a3b2c",
		`cat ~/.config/systemd/user/worker.service.d/o.conf`:               "Unit-S3cret-9902",
		`grep -r Environment ~/.config/systemd/user/`:                      "Unit-S3cret-9902",
		`cat ~/.config/systemd/user/cred.service`:                          "Cred-S3cret-123",
		`cat ~/.config/osc/oscrc`:                                          "Osc-S3cret-7742",
		`cat ~/.config/copr`:                                               "tqvnzlxrmwpcbyfhdsjaeugkqxlmvtwz",
		`cat ~/.julia/servers/pkg.acme.internal/auth.toml`:                 "4f9a2c1b7d6e5f4a3b2c1d0e",
		`cat ~/.config/itch/butler_creds`:                                  "Qk8vN2kL7xR4mZ9pW3cB6yF1hD5s",
		`cat ~/.config/vdirsyncer/config`:                                  "Vdir-S3cret-8817",
		`cat ~/.config/mailer/mailer.conf`:                                 "Mailer-S3cret-3301",
		`grep -rn sk_live Sources`:                                         "sk_live_",
		`grep -rn apiKey Sources`:                                          "sk_live_",
		`rg -n 'apiKey' Sources`:                                           "sk_live_",
	}
	if _, err := exec.LookPath("pandoc"); err == nil {
		// pandoc's reStructuredText and LaTeX readers follow includes.
		attacks[`pandoc guide.rst -t plain`] = "Secret-TeX-S3cret-4242"
		attacks[`pandoc -t plain chapter.tex`] = "Secret-TeX-S3cret-4242"
	}
	cases := bashPrints(t, proj, attacks)
	for cmd, want := range map[string]bool{
		// Configs with no credential, values read from the environment.
		`cat build/conf/local.conf`: true, `cat .bazelrc`: true, `cat env/bunfig.toml`: true, `cat plain/.Renviron`: true,
		`cat plain/export_presets.cfg`: true, `cat plain/registry.json`: true, `cat deploy/worker.service`: true,
		`cat ~/.config/khal/config`: true, `cat ~/.config/tool/settings.ini`: true,
		`grep -rn TODO Sources`: true, `rg -n tokenizer Sources`: true, `grep -rn sk_other Sources`: true,
		// pandoc to standard output, its readers and writers.
		`pandoc -t plain notes.md`: true, `pandoc notes.md -t gfm | head`: true, `pandoc --list-input-formats`: true,
		`pandoc -f markdown-raw_tex -t plain inc.md`: true, `pandoc -f gfm -t plain`: true,
		`pandoc -t plain inc.md`: false, `pandoc -t plain < inc.md`: false, `pandoc guide.rst -t plain`: false,
		`pandoc -f latex -t plain notes.md`: false, `pandoc notes.md -t docx`: false, `pandoc notes.md -o notes.html`: false,
		`pandoc https://example.com/a.html -t plain`: false, `pandoc --lua-filter f.lua notes.md`: false,
		`pandoc -d defaults.yaml notes.md`: false, `pandoc --embed-resources notes.md`: false,
		`pandoc -t plain ~/.config/vdirsyncer/config`: false, `pandoc -t plain certs/server.key`: false,
		// The other read-only forms and their near misses.
		`coredumpctl list --no-pager`: true, `coredumpctl info worker`: true, `coredumpctl dump worker -o /tmp/c`: false,
		`coredumpctl gdb worker`:    false,
		`kind get nodes --name dev`: true, `kind version`: true, `kind get kubeconfig --name dev`: false,
		`k3d cluster list`: true, `k3d cluster list --token`: false, `k3d kubeconfig get dev`: false,
		`rpm -qp --requires dist/a.rpm`: true, `rpm -qpl dist/a.rpm`: true, `rpm -qp --eval '%(id)' dist/a.rpm`: false,
		`rpm -i dist/a.rpm`:              false,
		`rpm2cpio dist/a.rpm | cpio -it`: true, `cpio -i < a.cpio`: false, `cpio -id < a.cpio`: false,
		`dpkg -S /usr/bin/ssh`: true, `dpkg-parsechangelog -S Version`: true, `dpkg-parsechangelog -l ~/.config/osc/oscrc`: false,
		`dpkg-architecture -qDEB_HOST_MULTIARCH`: true, `dpkg-architecture -c make`: false,
		`quilt series`: true, `quilt push -a`: false,
		`exiftool notes.md`: true, `exiftool -Title=x notes.md`: false, `exiftool ~/.config/copr`: false,
		`qpdf --check notes.md`: true, `qpdf --decrypt a.pdf b.pdf`: false, `qpdf --check certs/server.key`: false,
		`mkimage -l notes.md`: true, `dumpimage -p 0 -o x notes.md`: false,
		`swift-format lint -r Sources`: true, `swift-format format Sources/Tokenizer.swift`: true,
		`swift-format format -i Sources/Tokenizer.swift`: false, `swift-format format Sources/Secrets.swift`: false,
		`buildifier --mode=check -r .`: true, `buildifier -r .`: false, `buildifier -mode=diff BUILD`: false,
		`openssl verify -CAfile certs/ca.crt certs/server.crt`: true, `openssl verify -CAfile certs/server.key certs/server.crt`: false,
		`nvidia-smi topo -m`: true, `huggingface-cli scan-cache`: true, `huggingface-cli env`: false,
		`squeue -u me`: true, `sacct -j 123 --format=JobID,State`: true, `sinfo -p gpu`: true,
		`Rscript --version`: true, `Rscript -e 1`: false, `godot --version`: true, `godot --headless --quit`: false,
		`bun --revision`:  false, // bun parses bunfig.toml (here and above), which holds a password
		`torchrun --help`: true, `torchrun train.py`: false,
		`systemd-cgls --no-pager`: true, `busctl --user list`: true, `timedatectl show -p NTPSynchronized`: true,
		`timedatectl set-ntp true`: false, `tc qdisc show`: true, `arp -n`: true, `ethtool lo`: true, `ethtool -s lo speed 10`: false,
	} {
		cases[cmd] = want
	}
	judgeRuns(t, set, proj, cases)
}
