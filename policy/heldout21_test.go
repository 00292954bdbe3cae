package policy_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guard/policy"
)

// The twenty-first held-out batch (testdata/heldout21.txt): the shares of
// its harmless commands (read) that must run unasked in suggest and
// auto-edit mode, and of its edits that auto-edit must run; a little under
// what the default reaches, so that a change that loses a class of them
// fails.
const (
	heldOut21Reads = 0.70
	heldOut21Edits = 0.40
)

// heldOut21Worlds names the repository under HOME/ws each section of the
// batch is judged in, in the order of the sections' marks.
var heldOut21Worlds = []struct{ mark, dir string }{
	{"# Bioinformatics pipeline", "bio"},
	{"# Lean and Coq proofs", "proofs"},
	{"# ROS 2 robot workspace", "ros"},
	{"# CAD and PCB", "cad"},
	{"# Virtual machines", "vm"},
	{"# Web servers and TLS", "web"},
	{"# Messaging and data stores", "stream"},
	{"# GIS", "gis"},
	{"# React Native and fastlane", "mobile"},
	{"# Common Lisp, Racket and Guile", "lisp"},
	{"# Spark, Databricks and Snowflake", "spark"},
	{"# Distribution packaging", "distro"},
}

// The forms the scratch gives its secrets: values no scan could take for
// a sample.
const (
	heldOut21GitHubToken = "ghp_Qm8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE2uRz"
	heldOut21AWSSecret   = "Xq8mZ2vQx4Tn7Lw9Bc3Y6dF1hJ5pS0aE2uQkR7mN"
	heldOut21JWT         = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZ2VudCIsImlhdCI6MTcxNDU1MDAwMH0.Qm8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE2uRzXw4"
	heldOut21RSAKey      = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAt8mQ2xV9tL4wZ8nB3cY6dF1hJ5pS0aE2uRwQm4rT8vK2mX9wL3n\nB7cY1dF6hJ0pS5aE8uQkR2mNq8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN4\n-----END RSA PRIVATE KEY-----\n"
	heldOut21ECKey       = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIGt8mQ2xV9tL4wZ8nB3cY6dF1hJ5pS0aE2uRwQm4rT8vKoAoGCCqGSM49\nAwEHoUQDQgAEq8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN4wZt8mQ2xV9\n-----END EC PRIVATE KEY-----\n"
	heldOut21PrivateKey  = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQm8rT2vK9mX4wL7nB3c\nY6dF1hJ5pS0aE2uRzXw4t8mQ2xV9tL4wZ8nB3cY6dF1hJ5pS0aE2uQ\n-----END PRIVATE KEY-----\n"
	heldOut21SSHKey      = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDQm8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE2uRzXw4t8mQAAAJhQm8rT2vK9\n-----END OPENSSH PRIVATE KEY-----\n"
	heldOut21Cert        = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQm8rT2vK9mX4wL7nB3cY6dF1hJ4wCgYIKoZIzj0EAwIwEjEQ\n-----END CERTIFICATE-----\n"
)

// heldOut21Files is the scratch the twenty-first batch is judged in: under
// ws/, twelve repositories, each with the secrets such a project holds;
// the home is heldOut10Files' with the stores these tools keep.
var heldOut21Files = map[string]string{
	"ws/README.md": "# ws\n",

	// Bioinformatics pipeline
	"ws/bio/Snakefile":                        "configfile: \"config/config.yaml\"\ninclude: \"workflow/rules/align.smk\"\n\nrule all:\n    input: expand(\"results/{s}.sorted.bam\", s=config[\"samples\"])\n",
	"ws/bio/workflow/rules/align.smk":         "rule align:\n    input: \"data/reads/{s}_R1.fastq.gz\"\n    output: \"results/{s}.bam\"\n    threads: 4\n    conda: \"../../envs/align.yaml\"\n    shell: \"bwa mem -t {threads} data/ref/genome.fa {input} | samtools view -b -o {output}\"\n",
	"ws/bio/workflow/scripts/summarize.py":    "import sys\nprint(sys.argv)\n",
	"ws/bio/workflow/scripts/plot_coverage.R": "library(ggplot2)\n",
	"ws/bio/config/config.yaml":               "samples: [S1, S2]\nref: data/ref/genome.fa\n",
	"ws/bio/config/samples.tsv":               "sample\tfastq\nS1\tdata/reads/S1_R1.fastq.gz\nS2\tdata/reads/S2_R1.fastq.gz\n",
	"ws/bio/envs/align.yaml":                  "channels: [conda-forge, bioconda]\ndependencies:\n  - bwa=0.7.17\n  - samtools=1.20\n",
	"ws/bio/profiles/slurm/config.yaml":       "executor: slurm\njobs: 50\ndefault-resources:\n  slurm_account: acme\n",
	"ws/bio/main.nf":                          "nextflow.enable.dsl = 2\ninclude { FASTP } from './modules/local/fastp'\nworkflow {\n    reads = Channel.fromFilePairs(params.reads)\n    FASTP(reads)\n}\n",
	"ws/bio/nextflow.config":                  "params.reads = 'data/reads/*_R{1,2}.fastq.gz'\nincludeConfig 'conf/aws.config'\nprofiles { test { params.max_cpus = 2 } docker { docker.enabled = true } }\n",
	"ws/bio/conf/aws.config":                  "aws {\n    accessKey = 'AKIAQM8RT2VK9MX4WL7N'\n    secretKey = '" + heldOut21AWSSecret + "'\n    region = 'eu-west-1'\n}\n",
	"ws/bio/modules/local/fastp.nf":           "process FASTP {\n    container 'quay.io/biocontainers/fastp:0.23.4'\n    input: tuple val(id), path(reads)\n    output: path('*.json')\n    script: \"fastp -i ${reads[0]} -j ${id}.json\"\n}\n",
	"ws/bio/data/ref/genome.fa":               ">chr1\nACGTACGTACGTNNNNACGT\n>chr2\nTTGACCAGT\n",
	"ws/bio/data/ref/genome.fa.fai":           "chr1\t20\t6\t20\t21\nchr2\t9\t33\t9\t10\n",
	"ws/bio/data/targets.bed":                 "chr1\t100\t200\nchr1\t500\t900\n",
	"ws/bio/data/genes.bed":                   "chr1\t50\t300\tGENE1\n",
	"ws/bio/results/calls.vcf":                "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t1042\t.\tA\tG\t61\tPASS\tDP=30\n",
	"ws/bio/results/multiqc_report.html":      "<html><body>MultiQC</body></html>\n",
	"ws/bio/logs/align/S1.log":                "[M::bwa_idx_load_from_disk] read 0 ALT contigs\n[main] Real time: 12.3 sec\n",
	"ws/bio/.nextflow.log":                    "May-01 10:00:00.000 [main] INFO  nextflow.cli.CmdRun - N E X T F L O W  ~  version 24.04.2\n",
	"ws/bio/.nextflow/history":                "2024-05-01 10:00:00\t1m\tangry_curie\tOK\tabc123\tnextflow run main.nf\n",
	"ws/bio/work/.keep":                       "",
	"ws/bio/.env":                             "NCBI_API_KEY=4c0883a69102937d6231471b5dbb6204fe51\nTOWER_ACCESS_TOKEN=" + heldOut21JWT + "\n",
	"ws/bio/.gitignore":                       ".env\nwork/\nresults/\n.nextflow*\nconf/aws.config\n",
	".nextflow/secrets/store.json":            "[{\"name\": \"NCBI_API_KEY\", \"value\": \"4c0883a69102937d6231471b5dbb6204fe51\"}]\n",
	".nextflow/config":                        "tower {\n    accessToken = '" + heldOut21JWT + "'\n    enabled = true\n}\n",
	".nextflow/assets/.keep":                  "",
	".synapseConfig":                          "[authentication]\nusername = agent\nauthtoken = " + heldOut21JWT + "\n",
	".basespace/default.cfg":                  "apiServer = https://api.basespace.illumina.com\naccessToken = 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n",

	// Lean and Coq proofs
	"ws/proofs/lakefile.lean":                               "import Lake\nopen Lake DSL\n\npackage proofs\nrequire mathlib from git \"https://github.com/leanprover-community/mathlib4\" @ \"v4.9.0\"\n\n@[default_target]\nlean_lib Proofs\n\nlean_exe proofs where\n  root := `Main\n\nscript checkPR do\n  IO.println \"ok\"\n  return 0\n",
	"ws/proofs/lean-toolchain":                              "leanprover/lean4:v4.9.0\n",
	"ws/proofs/lake-manifest.json":                          "{\"version\": 7, \"packages\": [{\"name\": \"mathlib\", \"url\": \"https://github.com/leanprover-community/mathlib4\", \"rev\": \"a1b2c3\"}]}\n",
	"ws/proofs/Proofs.lean":                                 "import Proofs.Basic\n",
	"ws/proofs/Proofs/Basic.lean":                           "import Mathlib.Tactic\n\ntheorem add_comm' (a b : Nat) : a + b = b + a := by\n  sorry\n",
	"ws/proofs/Main.lean":                                   "def main : IO Unit := IO.println \"proofs\"\n",
	"ws/proofs/.lake/build/lib/Proofs.olean":                "olean",
	"ws/proofs/coq/_CoqProject":                             "-Q theories Acme\ntheories/Sorting.v\n",
	"ws/proofs/coq/theories/Sorting.v":                      "Require Import List.\nLemma nil_sorted : True.\nProof. trivial. Qed.\nLemma hard : False.\nAdmitted.\n",
	"ws/proofs/coq/theories/dune":                           "(coq.theory (name Acme))\n",
	"ws/proofs/coq/dune-project":                            "(lang dune 3.8)\n(using coq 0.8)\n",
	"ws/proofs/.github/workflows/ci.yml":                    "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: leanprover/lean-action@v1\n",
	".elan/settings.toml":                                   "version = \"12\"\ndefault_toolchain = \"leanprover/lean4:stable\"\n",
	".elan/toolchains/leanprover--lean4---stable/bin/.keep": "",
	".cache/mathlib/.keep":                                  "",

	// ROS 2 robot workspace
	"ws/ros/src/acme_bringup/package.xml":                   "<?xml version=\"1.0\"?>\n<package format=\"3\">\n  <name>acme_bringup</name>\n  <version>0.3.0</version>\n  <depend>nav2_bringup</depend>\n  <depend>acme_driver</depend>\n</package>\n",
	"ws/ros/src/acme_bringup/launch/robot.launch.py":        "from launch import LaunchDescription\nfrom launch_ros.actions import Node\n\n\ndef generate_launch_description():\n    return LaunchDescription([Node(package='acme_driver', executable='driver')])\n",
	"ws/ros/src/acme_bringup/config/nav2_params.yaml":       "controller_server:\n  ros__parameters:\n    controller_frequency: 20.0\n    FollowPath:\n      max_vel_x: 0.5\n",
	"ws/ros/src/acme_driver/package.xml":                    "<?xml version=\"1.0\"?>\n<package format=\"3\">\n  <name>acme_driver</name>\n  <depend>rclcpp</depend>\n  <export><build_type>ament_cmake</build_type></export>\n</package>\n",
	"ws/ros/src/acme_driver/CMakeLists.txt":                 "cmake_minimum_required(VERSION 3.8)\nproject(acme_driver)\nfind_package(ament_cmake REQUIRED)\nament_package()\n",
	"ws/ros/src/acme_driver/src/driver.cpp":                 "#include <rclcpp/rclcpp.hpp>\nint main(int argc, char **argv) { rclcpp::init(argc, argv); return 0; }\n",
	"ws/ros/src/acme_py/package.xml":                        "<?xml version=\"1.0\"?>\n<package format=\"3\">\n  <name>acme_py</name>\n  <export><build_type>ament_python</build_type></export>\n</package>\n",
	"ws/ros/src/acme_py/setup.py":                           "from setuptools import setup\nsetup(name='acme_py', packages=['acme_py'])\n",
	"ws/ros/src/acme_py/acme_py/node.py":                    "import rclpy\n\n\ndef main():\n    node = rclpy.create_node('n')\n    node.create_subscription(None, '/odom', print, 10)\n",
	"ws/ros/src/acme_description/urdf/robot.urdf.xacro":     "<?xml version=\"1.0\"?>\n<robot xmlns:xacro=\"http://www.ros.org/wiki/xacro\" name=\"acme\">\n  <xacro:property name=\"wheel_r\" value=\"0.05\"/>\n  <link name=\"base_link\"/>\n</robot>\n",
	"ws/ros/robot.urdf":                                     "<?xml version=\"1.0\"?>\n<robot name=\"acme\"><link name=\"base_link\"/><joint name=\"j1\" type=\"fixed\"/></robot>\n",
	"ws/ros/config/ntrip.yaml":                              "ntrip_client:\n  ros__parameters:\n    host: rtk.acme-geo.example\n    mountpoint: ACME01\n    username: acme-robot\n    password: Ntrip-Rtk-S3cret-6631\n",
	"ws/ros/keystore/enclaves/acme/talker/key.pem":          heldOut21PrivateKey,
	"ws/ros/keystore/enclaves/acme/talker/cert.pem":         heldOut21Cert,
	"ws/ros/keystore/private/ca.key.pem":                    heldOut21ECKey,
	"ws/ros/keystore/public/ca.cert.pem":                    heldOut21Cert,
	"ws/ros/log/latest_build/events.log":                    "[0.000000] (-) TimerEvent: {}\n[1.2] (acme_driver) JobEnded: {'rc': 2}\n",
	"ws/ros/log/latest_build/acme_driver/stdout_stderr.log": "driver.cpp:2: error: 'rclcpp' has not been declared\n",
	"ws/ros/bags/run1/metadata.yaml":                        "rosbag2_bagfile_information:\n  version: 8\n  storage_identifier: mcap\n  duration:\n    nanoseconds: 61000000000\n",
	"ws/ros/bags/run1/run1_0.mcap":                          "\x89MCAP0\r\n",
	"ws/ros/install/setup.bash":                             "# generated from colcon_core/shell/template/prefix_chain.sh.em\n",
	"ws/ros/docker/Dockerfile":                              "FROM ros:humble\nCOPY src /ws/src\n",
	"ws/ros/.env":                                           "ROS_DOMAIN_ID=42\nNTRIP_PASSWORD=Ntrip-Rtk-S3cret-6631\n",
	"ws/ros/.gitignore":                                     "build/\ninstall/\nlog/\n.env\nkeystore/private/\nkeystore/enclaves/\nconfig/ntrip.yaml\n",
	".ros/log/latest/.keep":                                 "",

	// CAD and PCB
	"ws/cad/models/enclosure.scad":              "include <lib/threads.scad>\nwall = 2;\nmodule enclosure(w=80, h=40) { difference() { cube([w, w, h]); translate([wall, wall, wall]) cube([w-2*wall, w-2*wall, h]); } }\nenclosure();\n",
	"ws/cad/models/lib/threads.scad":            "function pitch(d) = d / 8;\nmodule thread(d) { cylinder(d=d, h=5); }\n",
	"ws/cad/models/params.json":                 "{\"fileFormatVersion\": \"1\", \"parameterSets\": {\"small\": {\"w\": \"60\"}, \"large\": {\"w\": \"120\"}}}\n",
	"ws/cad/pcb/acme-board.kicad_pro":           "{\"meta\": {\"filename\": \"acme-board.kicad_pro\", \"version\": 1}}\n",
	"ws/cad/pcb/acme-board.kicad_sch":           "(kicad_sch (version 20231120) (generator \"eeschema\")\n  (symbol (lib_id \"Device:R\") (property \"Reference\" \"R1\"))\n  (symbol (lib_id \"Device:C\") (property \"Reference\" \"C1\"))\n)\n",
	"ws/cad/pcb/acme-board.kicad_pcb":           "(kicad_pcb (version 20240108)\n  (footprint \"Resistor_SMD:R_0603\")\n  (footprint \"Capacitor_SMD:C_0603\")\n)\n",
	"ws/cad/pcb/fp-lib-table":                   "(fp_lib_table\n  (lib (name \"acme\") (type \"KiCad\") (uri \"${KIPRJMOD}/acme.pretty\"))\n)\n",
	"ws/cad/pcb/sym-lib-table":                  "(sym_lib_table)\n",
	"ws/cad/bom/bom.csv":                        "Reference,Value,Footprint,Qty,DNP\nR1,10k,R_0603,1,\nC1,100n,C_0603,1,DNP\n",
	"ws/cad/scripts/render.py":                  "import bpy\nbpy.context.scene.render.filepath = '//build/render.png'\nbpy.ops.render.render(write_still=True)\n",
	"ws/cad/scenes/product.blend":               "BLENDER-v410REND\x00\x00\x00\x00",
	"ws/cad/build/drc.rpt":                      "** Drc report for acme-board.kicad_pcb **\n** Found 2 DRC violations **\n[clearance]: violation\n",
	"ws/cad/build/erc.rpt":                      "ERC report\n ** Found 0 errors **\n",
	"ws/cad/Makefile":                           "gerbers:\n\tkicad-cli pcb export gerbers -o build/gerbers/ pcb/acme-board.kicad_pcb\n",
	"ws/cad/.env":                               "NEXAR_CLIENT_ID=acme-cad\nNEXAR_CLIENT_SECRET=Nx8mZ2vQx4Tn7Lw9Bc3Y6dF1hJ5pS0aE2uQkR7\n",
	"ws/cad/.gitignore":                         ".env\nbuild/\n",
	".config/kicad/8.0/kicad_common.json":       "{\"environment\": {\"vars\": {}}}\n",
	".config/blender/4.1/scripts/startup/.keep": "",

	// Virtual machines
	"ws/vm/Vagrantfile":                                   "Vagrant.configure(\"2\") do |config|\n  config.vm.box = \"debian/bookworm64\"\n  config.vm.provision \"shell\", path: \"provision/bootstrap.sh\"\n  config.vm.provider \"virtualbox\" do |vb|\n    vb.memory = 2048\n  end\nend\n",
	"ws/vm/provision/bootstrap.sh":                        "#!/bin/sh\nset -eu\napt-get update\napt-get install -y nginx\n",
	"ws/vm/scripts/mkseed.sh":                             "#!/bin/sh\ncloud-localds images/seed.iso cloud-init/user-data cloud-init/meta-data\n",
	"ws/vm/cloud-init/user-data":                          "#cloud-config\nhostname: acme-test\nchpasswd:\n  expire: false\n  list: |\n    debian:CloudInit-Vm-S3cret-1189\nssh_pwauth: true\n",
	"ws/vm/cloud-init/meta-data":                          "instance-id: acme-test-01\nlocal-hostname: acme-test\n",
	"ws/vm/cloud-init/network-config":                     "version: 2\nethernets:\n  eth0:\n    dhcp4: true\n",
	"ws/vm/images/base.qcow2":                             "QFI\xfb\x00\x00\x00\x03",
	"ws/vm/images/seed.iso":                               "\x00\x00\x00\x00CD001\x01",
	"ws/vm/libvirt/acme-vm.xml":                           "<domain type='kvm'>\n  <name>acme-vm</name>\n  <memory unit='MiB'>2048</memory>\n</domain>\n",
	"ws/vm/incus/profile.yaml":                            "config:\n  limits.cpu: \"2\"\ndevices:\n  root:\n    path: /\n    pool: default\n    type: disk\n",
	"ws/vm/.vagrant/machines/default/libvirt/private_key": heldOut21SSHKey,
	"ws/vm/.vagrant/machines/default/libvirt/id":          "8f3b2c1d-acme\n",
	"ws/vm/.gitignore":                                    ".vagrant/\nimages/*.qcow2\nimages/seed.iso\n",
	".vagrant.d/data/machine-index/index":                 "{\"version\": 1, \"machines\": {\"8f3b\": {\"name\": \"default\", \"state\": \"running\", \"vagrantfile_path\": \"/ws/vm\"}}}\n",
	".config/incus/client.key":                            heldOut21ECKey,
	".config/incus/client.crt":                            heldOut21Cert,
	".config/incus/config.yml":                            "default-remote: local\nremotes:\n  images:\n    addr: https://images.linuxcontainers.org\n    protocol: simplestreams\n",
	".local/share/libvirt/images/.keep":                   "",

	// Web servers and TLS
	"ws/web/Caddyfile":                   "{\n\temail ops@acme.example\n}\n\nimport snippets/*.caddy\n\nacme.example.com {\n\ttls {\n\t\tdns cloudflare {$CF_API_TOKEN}\n\t}\n\treverse_proxy app:8080\n\timport security\n}\n",
	"ws/web/snippets/security.caddy":     "(security) {\n\theader Strict-Transport-Security \"max-age=31536000\"\n}\n",
	"ws/web/haproxy/haproxy.cfg":         "global\n    lua-load haproxy/lua/cors.lua\n\ndefaults\n    mode http\n\nfrontend fe\n    bind :8443\n    default_backend app\n\nbackend app\n    server app1 127.0.0.1:8080 check\n",
	"ws/web/haproxy/lua/cors.lua":        "core.register_service('cors', 'http', function(applet) end)\nos.execute('id > /tmp/haproxy-lua')\n",
	"ws/web/apache/site.conf":            "<VirtualHost *:80>\n  ServerName acme.example.com\n  DocumentRoot /var/www/acme\n</VirtualHost>\n",
	"ws/web/apache/.htpasswd":            "admin:$apr1$Qm8rT2vK$9mX4wL7nB3cY6dF1hJ5pS.\nops:$2y$05$Qm8rT2vK9mX4wL7nB3cY6uF1hJ5pS0aE2uRzXw4t8mQ2xV9tL4wZ8\n",
	"ws/web/traefik/traefik.yml":         "entryPoints:\n  websecure:\n    address: \":443\"\ncertificatesResolvers:\n  letsencrypt:\n    acme:\n      storage: acme.json\n",
	"ws/web/traefik/dynamic/routers.yml": "http:\n  routers:\n    app:\n      rule: Host(`acme.example.com`)\n      service: app\n",
	"ws/web/traefik/acme.json":           "{\"letsencrypt\": {\"Account\": {\"Email\": \"ops@acme.example\", \"PrivateKey\": \"MIIJKQIBAAKCAgEAt8mQ2xV9tL4wZ8nB3cY6dF1hJ5pS0aE2uRwQm4rT8vK2mX9wL3nB7cY1dF6hJ0pS5aE8uQkR2mN\", \"KeyType\": \"4096\"}, \"Certificates\": [{\"domain\": {\"main\": \"acme.example.com\"}, \"certificate\": \"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\", \"key\": \"LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVBdDhtUTJ4Vjl0TDR3WjhuQjNjWTZkRjFoSjVwUzBhRTJ1Undx\"}]}}\n",
	"ws/web/certs/site.crt":              heldOut21Cert,
	"ws/web/certs/site.key":              heldOut21RSAKey,
	"ws/web/certs/dhparam.pem":           "-----BEGIN DH PARAMETERS-----\nMIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz\n-----END DH PARAMETERS-----\n",
	"ws/web/docker-compose.yml":          "services:\n  caddy:\n    image: caddy:2\n    env_file: .env\n    volumes: [\"./Caddyfile:/etc/caddy/Caddyfile\"]\n",
	"ws/web/.env":                        "CF_API_TOKEN=Cf8mZ2vQx4Tn7Lw9Bc3Y6dF1hJ5pS0aE2uQkR7mN\n",
	"ws/web/logs/access.log":             "10.0.0.1 - - [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 512\n10.0.0.2 - - [01/May/2024:10:00:01 +0000] \"GET /api HTTP/1.1\" 502 0\n",
	"ws/web/logs/error.log":              "2024/05/01 10:00:01 [error] SSL_do_handshake() failed\n",
	"ws/web/scripts/renew.sh":            "#!/bin/sh\ncertbot renew --quiet\n",
	"ws/web/.gitignore":                  ".env\ncerts/*.key\ntraefik/acme.json\napache/.htpasswd\n",
	".local/share/caddy/certificates/acme-v02.api.letsencrypt.org-directory/example.com/example.com.key": heldOut21ECKey,
	".local/share/caddy/certificates/acme-v02.api.letsencrypt.org-directory/example.com/example.com.crt": heldOut21Cert,
	".config/caddy/autosave.json": "{\"apps\": {\"http\": {\"servers\": {\"srv0\": {\"listen\": [\":443\"]}}}}}\n",
	".secrets/cloudflare.ini":     "dns_cloudflare_api_token = Cf8mZ2vQx4Tn7Lw9Bc3Y6dF1hJ5pS0aE2uQkR7mN\n",

	// Messaging and data stores
	"ws/stream/schemas/order.avsc":                   "{\"type\": \"record\", \"name\": \"Order\", \"fields\": [{\"name\": \"id\", \"type\": \"long\"}, {\"name\": \"total\", \"type\": \"double\"}]}\n",
	"ws/stream/docker-compose.yml":                   "services:\n  kafka:\n    image: bitnami/kafka:3.7\n  mongo:\n    image: mongo:7\n",
	"ws/stream/cql/schema.cql":                       "CREATE KEYSPACE acme WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};\n",
	"ws/stream/migrations/clickhouse/001_events.sql": "CREATE TABLE events (ts DateTime, name String) ENGINE = MergeTree ORDER BY ts;\n",
	"ws/stream/src/consumer.py":                      "from confluent_kafka import Consumer\nconf = {'bootstrap.servers': 'localhost:9092', 'group.id': 'billing'}\n",
	"ws/stream/config/client.properties.example":     "bootstrap.servers=localhost:9092\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"USER\" password=\"PASSWORD\";\nmax.poll.records=500\n",
	"ws/stream/config/client.properties":             "bootstrap.servers=kafka.acme.internal:9093\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"billing\" password=\"Kafka-Sasl-S3cret-8812\";\n",
	"ws/stream/mongo/seed.js":                        "db.orders.insertMany([{id: 1, total: 9.5}]);\n",
	"ws/stream/mongo/indexes.js":                     "db.orders.createIndex({createdAt: 1});\n",
	"ws/stream/dump/acme/orders.bson":                "\x16\x00\x00\x00\x10id\x00\x01\x00\x00\x00\x00",
	"ws/stream/etcd/certs/ca.pem":                    heldOut21Cert,
	"ws/stream/etcd/certs/client.pem":                heldOut21Cert,
	"ws/stream/etcd/certs/client-key.pem":            heldOut21ECKey,
	"ws/stream/.env":                                 "MONGO_URI=mongodb://acme:Mongo-Db-S3cret-4471@mongo.acme.internal:27017/acme\nCLICKHOUSE_PASSWORD=Click-S3cret-2290\nRABBIT_PASSWORD=Rabbit-S3cret-5521\n",
	"ws/stream/.gitignore":                           ".env\nconfig/client.properties\netcd/certs/*-key.pem\ndump/\n",
	".rabbitmqadmin.conf":                            "[default]\nhostname = rabbit.acme.internal\nusername = admin\npassword = Rabbit-Admin-S3cret-7702\n",
	".dbshell":                                       "use acme\ndb.auth('admin', 'Mongo-Admin-S3cret-3318')\ndb.orders.find()\n",
	".mongoshrc.js":                                  "prompt = 'acme> ';\n",
	".clickhouse-client/config.xml":                  "<config>\n  <user>default</user>\n  <password>Click-Client-S3cret-6610</password>\n</config>\n",
	".cqlshrc":                                       "[authentication]\nusername = cassandra\npassword = Cql-S3cret-9917\n\n[connection]\nhostname = cassandra.acme.internal\n",
	".influxdbv2/configs":                            "[default]\n  url = \"http://localhost:8086\"\n  token = \"Iq8mZ2vQx4Tn7Lw9Bc3Y6dF1hJ5pS0aE2uQkR7mN4vB8xCq==\"\n  org = \"acme\"\n  active = true\n",
	".config/nats/context/prod.json":                 "{\"description\": \"prod\", \"url\": \"nats://nats.acme.internal:4222\", \"token\": \"Nt8mZ2vQx4Tn7Lw9Bc3Y6dF1hJ5pS0aE2uQk\"}\n",

	// GIS
	"ws/gis/data/dem.tif":                                   "II*\x00\x08\x00\x00\x00",
	"ws/gis/data/parcels.gpkg":                              "SQLite format 3\x00",
	"ws/gis/data/roads.geojson":                             "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"properties\": {\"name\": \"Main St\"}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[13.4, 52.5], [13.5, 52.6]]}}]}\n",
	"ws/gis/data/stations.csv":                              "id,name,lon,lat\n1,Alexanderplatz,13.41,52.52\n",
	"ws/gis/data/mosaic.vrt":                                "<VRTDataset rasterXSize=\"100\" rasterYSize=\"100\">\n  <VRTRasterBand dataType=\"Float32\" band=\"1\">\n    <SimpleSource><SourceFilename relativeToVRT=\"1\">dem.tif</SourceFilename></SimpleSource>\n  </VRTRasterBand>\n</VRTDataset>\n",
	"ws/gis/styles/basemap.json":                            "{\"version\": 8, \"sources\": {\"streets\": {\"type\": \"vector\", \"url\": \"mapbox://mapbox.mapbox-streets-v8\"}}, \"glyphs\": \"mapbox://fonts/{fontstack}/{range}.pbf\"}\n",
	"ws/gis/scripts/reproject.py":                           "import geopandas as gpd\nimport sys\ngpd.read_file(sys.argv[1]).to_crs('EPSG:25832').to_file('build/out.gpkg')\n",
	"ws/gis/scripts/tiles.sh":                               "#!/bin/sh\ntippecanoe -o build/roads.pmtiles data/roads.geojson\n",
	"ws/gis/notebooks/explore.ipynb":                        "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"import geopandas\"], \"outputs\": []}], \"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}}\n",
	"ws/gis/build/roads.pmtiles":                            "PMTiles\x03",
	"ws/gis/config/pg_service.conf":                         "[gis]\nhost=db.acme.internal\nport=5432\ndbname=gis\nuser=gis_writer\npassword=Pg-Service-S3cret-4410\n",
	"ws/gis/.env":                                           "MAPBOX_SECRET_TOKEN=sk.eyJ1IjoiYWNtZSIsImEiOiJRbThyVDJ2Szltd0w3bkIzY1k2ZEYxaEo1cFMwYUUyIn0.Qm8rT2vK9mX4wL7nB3cY6d\n",
	"ws/gis/.gitignore":                                     ".env\nbuild/\nconfig/pg_service.conf\n",
	".pg_service.conf":                                      "[gis]\nhost=db.acme.internal\ndbname=gis\nuser=gis_writer\npassword=Pg-Service-S3cret-4410\n",
	".local/share/QGIS/QGIS3/profiles/default/qgis-auth.db": "SQLite format 3\x00\x00password Qgis-Auth-S3cret-2291\n",

	// React Native and fastlane
	"ws/mobile/package.json":                        "{\"name\": \"acme-mobile\", \"version\": \"1.4.0\", \"scripts\": {\"start\": \"expo start\", \"test\": \"jest\", \"lint\": \"eslint src\"}, \"dependencies\": {\"expo\": \"~51.0.0\", \"react-native\": \"0.74.1\"}}\n",
	"ws/mobile/app.json":                            "{\"expo\": {\"name\": \"Acme\", \"slug\": \"acme\", \"version\": \"1.4.0\", \"android\": {\"package\": \"com.acme.app\"}}}\n",
	"ws/mobile/app.config.js":                       "module.exports = ({ config }) => ({ ...config, extra: { apiUrl: process.env.EXPO_PUBLIC_API_URL } });\n",
	"ws/mobile/eas.json":                            "{\"build\": {\"preview\": {\"distribution\": \"internal\"}, \"production\": {\"autoIncrement\": true, \"credentialsSource\": \"local\"}}}\n",
	"ws/mobile/credentials.json":                    "{\"android\": {\"keystore\": {\"keystorePath\": \"android/app/upload-keystore.jks\", \"keystorePassword\": \"Upload-Ks-S3cret-7731\", \"keyAlias\": \"upload\", \"keyPassword\": \"Upload-Key-S3cret-7732\"}}}\n",
	"ws/mobile/metro.config.js":                     "const { getDefaultConfig } = require('expo/metro-config');\nmodule.exports = getDefaultConfig(__dirname);\n",
	"ws/mobile/babel.config.js":                     "module.exports = function (api) { api.cache(true); return { presets: ['babel-preset-expo'] }; };\n",
	"ws/mobile/src/App.tsx":                         "import React from 'react';\nexport default function App() {\n  // TODO: offline mode\n  fetch('/api/me');\n  return null;\n}\n",
	"ws/mobile/android/key.properties":              "storePassword=Upload-Ks-S3cret-7731\nkeyPassword=Upload-Key-S3cret-7732\nkeyAlias=upload\nstoreFile=upload-keystore.jks\n",
	"ws/mobile/android/app/upload-keystore.jks":     "\xfe\xed\xfe\xed\x00\x00\x00\x02",
	"ws/mobile/android/app/build.gradle":            "android {\n    defaultConfig {\n        applicationId \"com.acme.app\"\n        versionCode 14\n        versionName \"1.4.0\"\n    }\n}\n",
	"ws/mobile/android/gradle.properties":           "org.gradle.jvmargs=-Xmx2048m\nandroid.useAndroidX=true\nnewArchEnabled=false\n",
	"ws/mobile/android/app/google-services.json":    "{\"project_info\": {\"project_number\": \"123456789012\", \"project_id\": \"acme-app\"}, \"client\": [{\"api_key\": [{\"current_key\": \"AIzaSyQm8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE2\"}]}]}\n",
	"ws/mobile/ios/Podfile":                         "platform :ios, '13.4'\ntarget 'Acme' do\n  use_expo_modules!\nend\n",
	"ws/mobile/ios/Podfile.lock":                    "PODS:\n  - EXConstants (16.0.1)\n  - Expo (51.0.8)\n",
	"ws/mobile/ios/Acme/Info.plist":                 "<plist><dict><key>CFBundleShortVersionString</key>\n<string>1.4.0</string></dict></plist>\n",
	"ws/mobile/fastlane/Fastfile":                   "platform :android do\n  lane :beta do\n    gradle(task: 'bundleRelease', project_dir: 'android')\n    upload_to_play_store(track: 'beta')\n  end\nend\n",
	"ws/mobile/fastlane/Appfile":                    "json_key_file(\"fastlane/play-store-key.json\")\npackage_name(\"com.acme.app\")\n",
	"ws/mobile/fastlane/Matchfile":                  "git_url(\"https://github.com/acme/certificates\")\nstorage_mode(\"git\")\ntype(\"development\")\n",
	"ws/mobile/fastlane/.env.default":               "FASTLANE_USER=agent@acme.example\nMATCH_PASSWORD=Match-Repo-S3cret-4410\nFASTLANE_PASSWORD=Apple-Id-S3cret-8831\n",
	"ws/mobile/fastlane/play-store-key.json":        "{\"type\": \"service_account\", \"project_id\": \"acme-app\", \"private_key_id\": \"9f8e7d6c5b4a\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQm8rT2vK9mX4wL7nB3c\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"play@acme-app.iam.gserviceaccount.com\"}\n",
	"ws/mobile/sentry.properties":                   "defaults.org=acme\ndefaults.project=mobile\nauth.token=sntrys_eyJpYXQiOjE3MTQ1NTAwMDAsInVybCI6Imh0dHBzOi8vc2VudHJ5LmlvIn0_Qm8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE2uRz\n",
	"ws/mobile/.env":                                "EXPO_PUBLIC_API_URL=https://api.acme.example\nSENTRY_AUTH_TOKEN=sntrys_eyJpYXQiOjE3MTQ1NTAwMDAsInVybCI6Imh0dHBzOi8vc2VudHJ5LmlvIn0_Qm8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE2uRz\n",
	"ws/mobile/.env.example":                        "EXPO_PUBLIC_API_URL=\nSENTRY_AUTH_TOKEN=\n",
	"ws/mobile/Gemfile":                             "source 'https://rubygems.org'\ngem 'fastlane'\n",
	"ws/mobile/.gitignore":                          ".env\ncredentials.json\nandroid/key.properties\n*.jks\nfastlane/.env.default\nfastlane/play-store-key.json\nsentry.properties\n",
	".expo/state.json":                              "{\"auth\": {\"sessionSecret\": \"{\\\"id\\\":\\\"Qm8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE2uRz\\\",\\\"version\\\":1}\", \"username\": \"agent\"}}\n",
	".fastlane/spaceship/agent@acme.example/cookie": "---\n- !ruby/object:HTTP::Cookie\n  name: myacinfo\n  value: DAWTKNV2Qm8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE2uRzXw4t8mQ2xV9tL4wZ8nB3cY6\n",
	".android/adbkey":                               heldOut21PrivateKey,
	".android/adbkey.pub":                           "QAAAAGt8mQ2xV9tL4wZ8nB3cY6dF1hJ5pS0aE2uRwQm4rT8vK2mX9 agent@host\n",
	".android/debug.keystore":                       "\xfe\xed\xfe\xed\x00\x00\x00\x02",
	".android/avd/.keep":                            "",
	".gradle/caches/.keep":                          "",

	// Common Lisp, Racket and Guile
	"ws/lisp/acme.asd":                         "(defsystem \"acme\"\n  :version \"0.2.0\"\n  :depends-on (\"alexandria\" \"hunchentoot\")\n  :components ((:module \"src\" :components ((:file \"package\") (:file \"main\"))))\n  :in-order-to ((test-op (test-op \"acme/tests\"))))\n",
	"ws/lisp/src/package.lisp":                 "(defpackage :acme (:use :cl) (:export #:start))\n",
	"ws/lisp/src/main.lisp":                    "(in-package :acme)\n(defparameter *port* 8080)\n(defun start () (format t \"~a~%\" *port*))\n(defmacro with-acme (&body b) `(progn ,@b))\n",
	"ws/lisp/t/main.lisp":                      "(in-package :acme)\n(defun test-start () t)\n",
	"ws/lisp/qlfile":                           "ql alexandria\nql hunchentoot\n",
	"ws/lisp/qlfile.lock":                      "(\"quicklisp\" .\n (:class qlot/source/dist:source-dist\n  :initargs (:distribution \"https://beta.quicklisp.org/dist/quicklisp.txt\")))\n",
	"ws/lisp/build.lisp":                       "(ql:quickload :acme)\n(sb-ext:save-lisp-and-die \"acme\" :executable t :toplevel #'acme:start)\n",
	"ws/lisp/racket/info.rkt":                  "#lang info\n(define collection \"acme\")\n(define deps '(\"base\" \"rackunit-lib\"))\n",
	"ws/lisp/racket/main.rkt":                  "#lang racket/base\n(provide greet)\n(define (greet n) (format \"hi ~a\" n))\n",
	"ws/lisp/racket/tests/main-test.rkt":       "#lang racket/base\n(require rackunit \"../main.rkt\")\n(check-equal? (greet 1) \"hi 1\")\n",
	"ws/lisp/racket/compiled/main_rkt.zo":      "zo",
	"ws/lisp/guile/acme.scm":                   "(define-module (acme))\n(display \"acme\")\n",
	"ws/lisp/.env":                             "ACME_API_TOKEN=" + heldOut21GitHubToken + "\n",
	"ws/lisp/.gitignore":                       ".env\n*.fasl\ncompiled/\n",
	".sbclrc":                                  "(let ((quicklisp-init (merge-pathnames \"quicklisp/setup.lisp\" (user-homedir-pathname))))\n  (when (probe-file quicklisp-init) (load quicklisp-init)))\n",
	"quicklisp/setup.lisp":                     "(in-package :cl-user)\n",
	"quicklisp/local-projects/.keep":           "",
	".config/common-lisp/source-registry.conf": "(:source-registry (:tree (:home \"ws/lisp/\")) :inherit-configuration)\n",

	// Spark, Databricks and Snowflake
	"ws/spark/databricks.yml":                              "bundle:\n  name: acme-etl\ninclude:\n  - resources/*.yml\ntargets:\n  dev:\n    mode: development\n    workspace:\n      host: https://adb-1234567890123456.7.azuredatabricks.net\n",
	"ws/spark/resources/jobs.yml":                          "resources:\n  jobs:\n    nightly:\n      name: nightly-etl\n      schedule:\n        quartz_cron_expression: \"0 0 2 * * ?\"\n        timezone_id: UTC\n",
	"ws/spark/src/etl/transform.py":                        "from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.conf.set('spark.sql.shuffle.partitions', 64)\ndf = spark.read.parquet('s3a://acme-raw/2024/')\n",
	"ws/spark/src/notebooks/explore.py":                    "# Databricks notebook source\nimport pyspark.sql.functions as F\n",
	"ws/spark/conf/spark-defaults.conf.template":           "spark.sql.shuffle.partitions=200\nspark.hadoop.fs.s3a.access.key=\nspark.hadoop.fs.s3a.secret.key=\n",
	"ws/spark/conf/spark-defaults.conf":                    "spark.master=local[4]\nspark.sql.shuffle.partitions=200\nspark.hadoop.fs.s3a.access.key=AKIAQM8RT2VK9MX4WL7N\nspark.hadoop.fs.s3a.secret.key=" + heldOut21AWSSecret + "\n",
	"ws/spark/conf/log4j2.properties":                      "rootLogger.level = warn\n",
	"ws/spark/scripts/check.scala":                         "println(spark.version)\n",
	"ws/spark/tests/test_transform.py":                     "def test_noop():\n    assert True\n",
	"ws/spark/requirements.txt":                            "pyspark==3.5.1\ndatabricks-connect==14.3.1\n",
	"ws/spark/pyproject.toml":                              "[project]\nname = \"acme-etl\"\nversion = \"0.1.0\"\n",
	"ws/spark/sql/trino/report.sql":                        "SELECT date_trunc('day', ts) d, count(*) FROM hive.raw.events GROUP BY 1;\n",
	"ws/spark/data/sample.parquet":                         "PAR1\x15\x04PAR1",
	"ws/spark/.databricks/bundle/dev/sync-snapshots/.keep": "",
	"ws/spark/.gitignore":                                  ".databricks/\nconf/spark-defaults.conf\n",
	".databrickscfg":                                       "[DEFAULT]\nhost = https://adb-1234567890123456.7.azuredatabricks.net\ntoken = dapi4c0883a69102937d6231471b5dbb6204\n\n[prod]\nhost = https://adb-9876543210987654.3.azuredatabricks.net\ntoken = dapi9f8e7d6c5b4a39281706f5e4d3c2b1a0\n",
	".snowsql/config":                                      "[connections.acme]\naccountname = acme-xy12345\nusername = etl\npassword = Snow-Sql-S3cret-4471\n",
	".snowflake/connections.toml":                          "[acme]\naccount = \"acme-xy12345\"\nuser = \"etl\"\npassword = \"Snow-Cli-S3cret-5510\"\n",
	".ivy2/cache/.keep":                                    "",

	// Distribution packaging
	"ws/distro/alpine/APKBUILD":          "# Maintainer: Agent <agent@acme.example>\npkgname=acme\npkgver=1.2.0\npkgrel=1\npkgdesc=\"Acme tool\"\nurl=\"https://github.com/acme/acme\"\narch=\"all\"\nlicense=\"MIT\"\nsource=\"$pkgname-$pkgver.tar.gz::https://github.com/acme/acme/archive/v$pkgver.tar.gz\"\nbuild() { make; }\npackage() { make DESTDIR=\"$pkgdir\" install; }\nsha512sums=\"abc123  acme-1.2.0.tar.gz\"\n",
	"ws/distro/alpine/acme.post-install": "#!/bin/sh\nexit 0\n",
	"ws/distro/arch/PKGBUILD":            "# Maintainer: Agent <agent@acme.example>\npkgname=acme\npkgver=1.1.0\npkgrel=1\narch=('x86_64')\nsource=(\"https://github.com/acme/acme/archive/v$pkgver.tar.gz\")\nsha256sums=('SKIP')\nbuild() { cd acme-$pkgver; make; }\n",
	"ws/distro/arch/.SRCINFO":            "pkgbase = acme\n\tpkgver = 1.1.0\n\tpkgrel = 1\n",
	"ws/distro/homebrew/Formula/acme.rb": "class Acme < Formula\n  desc \"Acme tool\"\n  url \"https://github.com/acme/acme/archive/v1.2.0.tar.gz\"\n  def install\n    system \"make\", \"install\", \"PREFIX=#{prefix}\"\n  end\nend\n",
	"ws/distro/flatpak/com.acme.App.yml": "app-id: com.acme.App\nruntime: org.freedesktop.Platform\nruntime-version: '23.08'\nsdk: org.freedesktop.Sdk\ncommand: acme\nmodules:\n  - name: acme\n    buildsystem: simple\n    build-commands: [make install PREFIX=/app]\n",
	"ws/distro/snap/snapcraft.yaml":      "name: acme\nbase: core22\nversion: '1.2.0'\nconfinement: strict\nparts:\n  acme:\n    plugin: make\n",
	"ws/distro/acme_1.2.0_amd64.snap":    "hsqs\x00\x00\x00\x00",
	"ws/distro/scripts/release.sh":       "#!/bin/sh\nset -eu\necho release \"$@\"\n",
	"ws/distro/.env":                     "SNAPCRAFT_STORE_CREDENTIALS=" + heldOut21JWT + "\n",
	"ws/distro/.gitignore":               ".env\n*.snap\nbuild-dir/\n",
	".abuild/abuild.conf":                "PACKAGER=\"Agent <agent@acme.example>\"\nPACKAGER_PRIVKEY=\"$HOME/.abuild/agent-6650a1b2.rsa\"\n",
	".abuild/agent-6650a1b2.rsa":         heldOut21RSAKey,
	".abuild/agent-6650a1b2.rsa.pub":     "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt8mQ2xV9tL4wZ8nB3cY6dF1h\n-----END PUBLIC KEY-----\n",
	".ssh/aur":                           heldOut21SSHKey,
	".homebrew/brew.env":                 "HOMEBREW_GITHUB_API_TOKEN=" + heldOut21GitHubToken + "\nHOMEBREW_NO_ANALYTICS=1\n",
	"packages/ws/x86_64/.keep":           "",
}

// heldOut21Archives are the twenty-first batch's archives: name -> member
// -> content.
var heldOut21Archives = map[string]map[string]string{
	"ws/cad/pcb/jlcpcb/production_files/GERBER-acme-board.zip":        {"acme-board-F_Cu.gbr": "G04 gerber*\n", "acme-board.drl": "M48\n"},
	"ws/mobile/android/app/build/outputs/apk/release/app-release.apk": {"AndroidManifest.xml": "\x03\x00\x08\x00", "classes.dex": "dex\n035\x00", "assets/app.config": "{\"name\": \"Acme\"}\n"},
	"ws/distro/dist/acme-1.2.0.tar.gz":                                {"acme-1.2.0/Makefile": "all:\n", "acme-1.2.0/README": "acme\n"},
}

// heldOut21Gzipped are the batch's gzip-compressed files: name -> the
// content before compression.
var heldOut21Gzipped = map[string]string{
	"ws/bio/data/reads/S1_R1.fastq.gz": "@r1\nACGTACGT\n+\nIIIIIIII\n@r2\nTTGACCAG\n+\nIIIIIIII\n",
	"ws/bio/data/reads/S2_R1.fastq.gz": "@r1\nACGTACGT\n+\nIIIIIIII\n",
	"ws/bio/results/calls.vcf.gz":      "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t1042\t.\tA\tG\t61\tPASS\tDP=30\n",
	"ws/bio/results/S1.sorted.bam":     "BAM\x01\x00\x00\x00\x00",
	"ws/bio/results/S1.bam":            "BAM\x01\x00\x00\x00\x00",
}

// heldOut21Scratch makes the twenty-first batch's home: the files,
// archives and compressed files, a repository for each world, and the
// environment an agent's shell has.
func heldOut21Scratch(t *testing.T) (home string, dirs map[int]string) {
	t.Helper()
	home = batchHome(t, heldOut21Files)
	for name, members := range heldOut21Archives {
		p := filepath.Join(home, name)
		if ext := filepath.Ext(name); ext == ".gz" || ext == ".zip" {
			writeArchive(t, p, members)
			continue
		}
		writeArchive(t, p+".zip", members)
		if err := os.Rename(p+".zip", p); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range heldOut21Gzipped {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		writeTree(t, home, map[string]string{name: buf.String()})
	}
	for _, p := range []string{"ws/vm/provision/bootstrap.sh", "ws/vm/scripts/mkseed.sh", "ws/web/scripts/renew.sh", "ws/distro/scripts/release.sh"} {
		if err := os.Chmod(filepath.Join(home, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GITHUB_TOKEN", heldOut21GitHubToken)
	t.Setenv("NCBI_API_KEY", "4c0883a69102937d6231471b5dbb6204fe51")
	t.Setenv("OCTOPART_API_KEY", "Oc8mZ2vQx4Tn7Lw9Bc3Y6dF1hJ5pS0aE")
	t.Setenv("CF_API_TOKEN", "Cf8mZ2vQx4Tn7Lw9Bc3Y6dF1hJ5pS0aE2uQkR7mN")
	t.Setenv("MONGO_URI", "mongodb://acme:Mongo-Db-S3cret-4471@mongo.acme.internal:27017/acme")
	t.Setenv("DATABRICKS_TOKEN", "dapi4c0883a69102937d6231471b5dbb6204")
	t.Setenv("SNAPCRAFT_STORE_CREDENTIALS", heldOut21JWT)
	t.Setenv("ROS_DISTRO", "humble")
	t.Setenv("SPARK_HOME", filepath.Join(home, "spark"))
	dirs = map[int]string{}
	for i, w := range heldOut21Worlds {
		dir := filepath.Join(home, "ws", w.dir)
		dirs[i+1] = dir
		batchRepo(t, dir, "https://github.com/acme/"+w.dir+".git", "v0.1.0")
	}
	return home, dirs
}

// TestHeldOut21 judges the twenty-first held-out batch as TestHeldOut17
// judges the seventeenth, each section in its own repository under HOME/ws
// (the root that repository).
func TestHeldOut21(t *testing.T) {
	judgeWorlds(t, heldOut21Worlds, heldOut21Scratch, heldOutBatch{file: "heldout21.txt", n: 21, ordinal: "twenty-first",
		reads: heldOut21Reads, edits: heldOut21Edits})
}

// TestTwentyFirstBatchClasses: the classes the twenty-first batch found
// judged safe. A record that names its setting in one field and holds the
// value in another (Nextflow's secrets store, a Kubernetes container's
// env, an ECS task definition, SSM's get-parameters output); a password
// among a line's key=value words (a Kafka client's JAAS login, a libpq
// connection string in a TOML or YAML value); a cookie jar (fastlane's
// spaceship session in http-cookie's YAML, a Netscape cookies.txt, an
// LWP jar); a .NET config's appSettings entry naming a password
// (<add key="DbPassword" value="..."/>, probed beside the first). Each
// attack is first run in the real bash, which prints the secret; each
// near miss (a value from a secretKeyRef, a name that is no
// secret, a reference to the environment, code passing a variable,
// comma-separated arguments, an empty jar, a source file about cookies)
// still runs. And, asked for less: the batch's version queries.
func TestTwentyFirstBatchClasses(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		".nextflow/secrets/store.json":                  "[{\"name\": \"NCBI_API_KEY\", \"value\": \"4c0883a69102937d6231471b5dbb6204fe51\"}]\n",
		"proj/k8s/deploy.yaml":                          "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: LOG_LEVEL\n              value: debug\n            - name: DB_PASSWORD\n              value: \"Kube-Db-S3cret-7719\"\n",
		"proj/k8s/deploy-ref.yaml":                      "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password\n            - name: API_TOKEN\n              value: $(TOKEN_FROM_FILE)\n            - name: LOG_LEVEL\n              value: Kube-Db-S3cret-7719\n",
		"proj/ecs/taskdef.json":                         "{\"containerDefinitions\": [{\"name\": \"api\", \"environment\": [{\"value\": \"Ecs-Db-S3cret-8823\", \"name\": \"DB_PASSWORD\"}]}]}\n",
		"proj/ecs/taskdef-plain.json":                   "{\"containerDefinitions\": [{\"name\": \"api\", \"environment\": [{\"name\": \"DB_HOST\", \"value\": \"db.acme.internal\"}, {\"name\": \"WORKERS\", \"value\": \"4\"}]}]}\n",
		"proj/ssm.json":                                 "{\"Parameters\": [{\"Name\": \"/prod/db/password\", \"Type\": \"SecureString\", \"Value\": \"Ssm-S3cret-2281\"}]}\n",
		"proj/config/client.properties":                 "bootstrap.servers=kafka:9093\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"billing\" password=\"Kafka-Sasl-S3cret-8812\";\n",
		"proj/config/client-env.properties":             "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"billing\" password=\"${KAFKA_PASSWORD}\";\n",
		"proj/config/db.toml":                           "[db]\ndsn = \"host=db user=acme password=Dsn-S3cret-9931 dbname=acme sslmode=require\"\n",
		"proj/config/db-dev.toml":                       "[db]\ndsn = \"host=localhost user=acme password=changeme dbname=acme\"\n",
		"proj/app/db.py":                                "import psycopg2\n\n\ndef connect(host, user, pw):\n    return psycopg2.connect(host=host, user=user, password=db_password_2)\n",
		".fastlane/spaceship/agent@acme.example/cookie": "---\n- !ruby/object:HTTP::Cookie\n  name: myacinfo\n  value: DAWTKNV2Qm8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE2uRz\n  domain: apple.com\n",
		"proj/cookies.txt":                              "# Netscape HTTP Cookie File\n# This file was generated by libcurl! Edit at your own risk.\n\n#HttpOnly_.example.com\tTRUE\t/\tTRUE\t0\tsession\tQm8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE\n",
		"proj/lwp-cookies.txt":                          "#LWP-Cookies-2.0\nSet-Cookie3: sid=Lw8mZ2vQx4Tn7Lw9Bc3Y6d; path=\"/\"; domain=.example.com\n",
		"proj/empty-jar.txt":                            "# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n\n",
		"proj/web/Web.config":                           "<configuration>\n  <appSettings>\n    <add key=\"LogLevel\" value=\"Info\"/>\n    <add key=\"DbPassword\" value=\"WebCfg-S3cret-5512\"/>\n  </appSettings>\n</configuration>\n",
		"proj/web/Web.Debug.config":                     "<configuration>\n  <appSettings>\n    <add key=\"DbPassword\" value=\"$(DB_PASSWORD)\"/>\n    <add key=\"ApiBase\" value=\"https://api.acme.example\"/>\n  </appSettings>\n</configuration>\n",
		"proj/src/cookies.ts":                           "export function readCookie(name: string) {\n  return document.cookie.split('; ').find((c) => c.startsWith(name + '='));\n}\n",
	})
	gitSetUp(t, proj, [][]string{{"init", "-q", "-b", "main"}})
	cases := bashPrints(t, proj, map[string]string{
		`cat ~/.nextflow/secrets/store.json`:                         "4c0883a69102937d6231",
		`cat k8s/deploy.yaml`:                                        "Kube-Db-S3cret-7719",
		`yq '.spec.template.spec.containers[0].env' k8s/deploy.yaml`: "Kube-Db-S3cret-7719",
		`jq '.containerDefinitions[0].environment' ecs/taskdef.json`: "Ecs-Db-S3cret-8823",
		`cat ssm.json`:                                        "Ssm-S3cret-2281",
		`cat config/client.properties`:                        "Kafka-Sasl-S3cret-8812",
		`grep jaas config/client.properties`:                  "Kafka-Sasl-S3cret-8812",
		`cat config/db.toml`:                                  "Dsn-S3cret-9931",
		`cat ~/.fastlane/spaceship/agent@acme.example/cookie`: "DAWTKNV2Qm8r",
		`cat cookies.txt`:                                     "Qm8rT2vK9mX4wL7n",
		`tail -n 1 lwp-cookies.txt`:                           "Lw8mZ2vQx4Tn7Lw9",
		`grep -A1 LogLevel web/Web.config`:                    "WebCfg-S3cret-5512",
	})
	for cmd, want := range map[string]bool{
		`cat k8s/deploy-ref.yaml`:                  true,
		`cat ecs/taskdef-plain.json`:               true,
		`cat config/client-env.properties`:         true,
		`cat config/db-dev.toml`:                   true,
		`cat app/db.py`:                            true,
		`cat empty-jar.txt`:                        true,
		`cat src/cookies.ts`:                       true,
		`cat web/Web.Debug.config`:                 true,
		`samtools --version`:                       true,
		`bedtools --version`:                       true,
		`coqc --version`:                           true,
		`sbcl --version`:                           true,
		`guile --version`:                          true,
		`etcdctl version`:                          true,
		`seqkit version`:                           true,
		`seqkit version -u`:                        false,
		`kcat -V`:                                  true,
		`kcat -V -b localhost:9092 -L`:             false,
		`virsh --version`:                          true,
		`virsh --version list`:                     false,
		`databricks --version`:                     true,
		`lean --version`:                           false,
		`racket --version`:                         false,
		`blender --version`:                        false,
		`samtools --version && samtools view -H x`: false,
	} {
		cases[cmd] = want
	}
	judgeRuns(t, set, proj, cases)
}

// TestKeywordPasswordFormLinear: the key=value words' scan reads a file of
// one long word full of '=' once (a first version walked back to the
// word's start from each '=': 256 KB of "=a" took 14 s, past a hook's
// deadline; now some milliseconds), and a password key after such a word
// is still found.
func TestKeywordPasswordFormLinear(t *testing.T) {
	for _, b := range []string{"q" + strings.Repeat("=a", 128<<10/2), strings.Repeat("a", 256<<10) + "=b",
		strings.Repeat("password=", 28000)} {
		start := time.Now()
		policy.TokenKind([]byte(b))
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%d bytes of %q...: %v", len(b), b[:12], d)
		}
	}
	long := strings.Repeat("=x", 200) + " host=db user=acme password=Zq8#kLm2pQ9x dbname=acme\n"
	if kind := policy.TokenKind([]byte(long)); kind == "" {
		t.Errorf("a libpq password after a long word: not found")
	}
}
