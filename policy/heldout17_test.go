package policy_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"guard/policy"
)

// The seventeenth held-out batch (testdata/heldout17.txt): the shares of
// its harmless commands (read) that must run unasked in suggest and
// auto-edit mode, and of its edits that auto-edit must run; a little under
// what the default reaches, so that a change that loses a class of them
// fails.
const (
	heldOut17Reads = 0.60
	heldOut17Edits = 0.60
)

// heldOut17Worlds names the repository under HOME/ws each section of the
// batch is judged in, in the order of the sections' marks.
var heldOut17Worlds = []struct{ mark, dir string }{
	{"# Python web service", "api"},
	{"# TypeScript app", "web"},
	{"# Go service", "gosvc"},
	{"# Rust crate", "crate"},
	{"# Monorepo with git worktrees", "mono"},
	{"# Ops repository", "ops"},
}

// The forms the scratch gives its secrets: values no scan could take for
// a sample.
const (
	heldOut17GitHubToken = "ghp_V3nq8LmX2vT7wZ4nB9cY1dF6hJ0pS5aE8uQr"
	heldOut17StripeKey   = "sk_live_51Jr4ZqK8LmX2vT7wZ4nB9cY1dF6hJ0pS5aE8uQrT3mW"
	heldOut17OpenAIKey   = "sk-proj-Qz8rT2vK9mX4wL7nB3cY6dF1hJ5pS0aE2uQkR7mN4vB8xC"
	heldOut17NpmToken    = "npm_Wq7Lm2Xv9Tz4Nb8Yc3Df6Hj1Ps5Ae0UkR2"
	heldOut17GitLabToken = "glpat-Rk8mZ2vQx4Tn7Lw9Bc3Y"
	heldOut17OpenSSHKey  = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBq8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN4wAAAJhq8ZrK2Lm\n-----END OPENSSH PRIVATE KEY-----\n"
	heldOut17RSAKey      = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDq8ZrK2LmX9vT4wZ8n\nB3cY6dF1hJ5pS0aE2uQkR7mN4q8ZrK2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2uQkR7mN4\n-----END PRIVATE KEY-----\n"
)

// heldOut17Files is the scratch the seventeenth batch is judged in: under
// ws/, six repositories (a Python web service, a TypeScript app, a Go
// service, a Rust crate, a monorepo with a worktree, an ops repository),
// each with the secrets such a project holds, and links a hostile
// repository could carry (heldOut17Links); the home is heldOut10Files'
// with the stores these tools keep, and a ~/.gitconfig whose insteadOf
// rule puts a token in the URL of every remote under
// github.com/acme-private/ (the monorepo's origin).
var heldOut17Files = map[string]string{
	"ws/README.md": "# ws\n",

	// Python web service
	"ws/api/pyproject.toml":                      "[project]\nname = \"api\"\nversion = \"0.7.0\"\nrequires-python = \">=3.12\"\ndependencies = [\"fastapi>=0.110\", \"sqlalchemy>=2\", \"httpx\"]\n\n[project.optional-dependencies]\ndev = [\"pytest\", \"ruff\", \"mypy\"]\n\n[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\nselect = [\"E\", \"F\", \"I\"]\n\n[tool.mypy]\nstrict = true\nplugins = [\"tools/mypy_plugin.py\"]\n",
	"ws/api/uv.lock":                             "version = 1\n\n[[package]]\nname = \"fastapi\"\nversion = \"0.110.1\"\n",
	"ws/api/.python-version":                     "3.12\n",
	"ws/api/.gitignore":                          ".env\n.venv/\nlogs/\nhtmlcov/\n.mypy_cache/\n.ruff_cache/\n",
	"ws/api/.env":                                "# local\nDATABASE_URL=postgresql://api:Api-Env-S3cret-4821@db.acme.internal:5432/api\nSTRIPE_SECRET_KEY=" + heldOut17StripeKey + "\n",
	"ws/api/.env.example":                        "DATABASE_URL=postgresql://api:password@localhost:5432/api\nSTRIPE_SECRET_KEY=\n",
	"ws/api/alembic.ini":                         "[alembic]\nscript_location = alembic\nsqlalchemy.url = postgresql://api:Alembic-Pr0d-S3cret-771@db.acme.internal/api\n",
	"ws/api/alembic/env.py":                      "from alembic import context\n",
	"ws/api/alembic/versions/0003_add_orders.py": "revision = \"0003\"\ndown_revision = \"0002\"\n\n\ndef upgrade():\n    pass\n",
	"ws/api/alembic/versions/0002_users.py":      "revision = \"0002\"\n",
	"ws/api/app/__init__.py":                     "",
	"ws/api/app/main.py":                         "from fastapi import FastAPI\n\nfrom app.routes import users\n\napp = FastAPI()\napp.include_router(users.router)\n",
	"ws/api/app/config.py":                       "import os\n\n\nclass Settings:\n    DATABASE_URL = os.environ.get(\"DATABASE_URL\", \"\")\n    TIMEOUT = 5\n\n\nsettings = Settings()\n",
	"ws/api/app/config_legacy.py":                "import os\n\nDATABASE_URL = os.environ[\"DATABASE_URL\"]\n",
	"ws/api/app/db.py":                           "from sqlalchemy import create_engine\n\nfrom app.config import settings\n\nengine = create_engine(settings.DATABASE_URL)\n",
	"ws/api/app/cli.py":                          "import argparse\n",
	"ws/api/app/routes/users.py":                 "from fastapi import APIRouter, Depends\n\nrouter = APIRouter()\n\n\n@router.get(\"/users\", status_code=200)\ndef list_users(db=Depends(lambda: None)):\n    return []  # TODO paginate\n\n\ndef get_user(uid: int):\n    return None\n",
	"ws/api/app/routes/orders.py":                "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
	"ws/api/app/clients/billing.py":              "import httpx\n\nclient = httpx.Client(timeout=5)\n",
	"ws/api/tests/conftest.py":                   "import pytest\n\n\n@pytest.fixture\ndef client():\n    return None\n",
	"ws/api/tests/test_users.py":                 "def test_list(client):\n    assert True\n",
	"ws/api/tests/test_health.py":                "def test_health():\n    assert True\n",
	"ws/api/tests/fixtures/users.json":           "[{\"id\": 1, \"email\": \"ada@example.com\"}, {\"id\": 2, \"email\": \"alan@example.com\"}]\n",
	"ws/api/tests/fixtures/login.json":           "{\"email\": \"ada@example.com\", \"password\": \"test\"}\n",
	"ws/api/tox.ini":                             "[tox]\nenv_list = py312, lint\n\n[testenv]\ncommands = pytest {posargs}\n",
	"ws/api/.pre-commit-config.yaml":             "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.4.4\n    hooks:\n      - id: ruff\n",
	"ws/api/tools/mypy_plugin.py":                "from mypy.plugin import Plugin\n\n\ndef plugin(version):\n    return Plugin\n",
	"ws/api/scripts/hooks/pre-commit":            "#!/bin/sh\nruff check .\n",
	"ws/api/scripts/hooks/pre-push":              "#!/bin/sh\npytest -q\n",
	"ws/api/scripts/difftool.sh":                 "#!/bin/sh\ndiff -u \"$2\" \"$5\"\n",
	"ws/api/logs/app.log":                        "2024-05-01 INFO started\n2024-05-01 ERROR boom\nTraceback (most recent call last):\n  File \"app/db.py\", line 5\n",
	"ws/api/coverage.xml":                        "<?xml version=\"1.0\" ?>\n<coverage line-rate=\"0.87\"></coverage>\n",
	"ws/api/htmlcov/index.html":                  "<span class=\"pc_cov\">87%</span>\n",
	"ws/api/docs/guide.txt":                      "How to run the service.\n",

	// TypeScript app
	"ws/web/package.json":                         "{\"name\": \"web\", \"version\": \"2.3.0\", \"private\": true, \"type\": \"module\", \"engines\": {\"node\": \">=20\"}, \"scripts\": {\"dev\": \"vite\", \"build\": \"tsc -b && vite build\", \"test\": \"jest\", \"lint\": \"eslint .\", \"typecheck\": \"tsc --noEmit\"}, \"dependencies\": {\"react\": \"^18.3.0\", \"react-dom\": \"^18.3.0\"}, \"devDependencies\": {\"vite\": \"^5.2.0\", \"typescript\": \"^5.4.0\", \"jest\": \"^29.7.0\", \"eslint\": \"^9.2.0\"}}\n",
	"ws/web/pnpm-lock.yaml":                       "lockfileVersion: '9.0'\n\npackages:\n\n  /react@18.3.1:\n    resolution: {integrity: sha512-x}\n",
	"ws/web/tsconfig.json":                        "{\"compilerOptions\": {\"strict\": true, \"jsx\": \"react-jsx\", \"paths\": {\"@/*\": [\"./src/*\"]}}}\n",
	"ws/web/tsconfig.app.json":                    "{\"extends\": \"./tsconfig.json\", \"include\": [\"src\"]}\n",
	"ws/web/vite.config.ts":                       "import { defineConfig } from 'vite';\nexport default defineConfig({});\n",
	"ws/web/eslint.config.js":                     "import js from '@eslint/js';\nexport default [js.configs.recommended];\n",
	"ws/web/jest.config.ts":                       "export default { testEnvironment: 'jsdom' };\n",
	"ws/web/playwright.config.ts":                 "export default {};\n",
	"ws/web/.prettierrc.json":                     "{\"singleQuote\": true}\n",
	"ws/web/.nvmrc":                               "20\n",
	"ws/web/.npmrc":                               "@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=${NPM_TOKEN}\n",
	"ws/web/.gitignore":                           "node_modules/\ndist/\ncoverage/\n.env.local\nrelease.tgz\nbuild.zip\n",
	"ws/web/.env.example":                         "VITE_API_URL=http://localhost:8000\nSTRIPE_SECRET_KEY=\n",
	"ws/web/.env.local":                           "VITE_API_URL=http://localhost:8000\nSTRIPE_SECRET_KEY=" + heldOut17StripeKey + "\n",
	"ws/web/src/main.tsx":                         "import { createRoot } from 'react-dom/client';\nimport App from './App';\ncreateRoot(document.getElementById('root')!).render(<App />);\n",
	"ws/web/src/App.tsx":                          "import { useEffect } from 'react';\nexport default function App() {\n  useEffect(() => {}, []);\n  return null;\n}\n",
	"ws/web/src/api/client.ts":                    "export const base = 'http://localhost:8000';\nexport const get = (p: string) => fetch(base + p);\n",
	"ws/web/src/hooks/useAuth.ts":                 "export function useAuth() {\n  return { user: null as any };\n}\n",
	"ws/web/src/components/Button.tsx":            "export default function Button() { return null; }\n",
	"ws/web/src/components/Btn.tsx":               "export function Btn() { return null; }\n",
	"ws/web/src/components/Button.test.tsx":       "it('renders', () => {});\n",
	"ws/web/src/fixtures/users.json":              "[{\"id\": 1}, {\"id\": 2}]\n",
	"ws/web/public/manifest.json":                 "{\"name\": \"Acme\"}\n",
	"ws/web/dist/index.html":                      "<!doctype html><script src=\"/assets/index-3f9a2c.js\"></script>\n",
	"ws/web/dist/assets/index-3f9a2c.js":          "const k=\"" + heldOut17StripeKey + "\";fetch(\"/api\");\n",
	"ws/web/coverage/lcov.info":                   "TN:\nSF:src/App.tsx\nLF:4\nLH:4\nend_of_record\n",
	"ws/web/coverage/coverage-summary.json":       "{\"total\": {\"lines\": {\"pct\": 91.2}}}\n",
	"ws/web/deploy/env.tpl":                       "NPM_TOKEN=${NPM_TOKEN}\nAPI_URL=${API_URL}\n",
	"ws/web/scripts/check-env.mjs":                "console.log(Object.keys(process.env).length);\n",
	"ws/web/node_modules/vite/package.json":       "{\"name\": \"vite\", \"version\": \"5.2.11\"}\n",
	"ws/web/node_modules/typescript/package.json": "{\"name\": \"typescript\", \"version\": \"5.4.5\"}\n",
	"ws/web/node_modules/.bin/.keep":              "",
	"ws/web/node_modules/.pnpm/.keep":             "",

	// Go service
	"ws/gosvc/go.mod":                        "module github.com/acme/gosvc\n\ngo 1.21\n\nrequire github.com/jackc/pgx/v5 v5.5.5\n",
	"ws/gosvc/go.sum":                        "github.com/jackc/pgx/v5 v5.5.5 h1:x=\ngithub.com/jackc/pgx/v5 v5.5.5/go.mod h1:y=\n",
	"ws/gosvc/cmd/api/main.go":               "package main\n\nimport \"github.com/acme/gosvc/internal/server\"\n\nfunc main() { server.Run() }\n",
	"ws/gosvc/internal/server/handler.go":    "package server\n\nimport \"net/http\"\n\nfunc Handler(w http.ResponseWriter, r *http.Request) {}\n",
	"ws/gosvc/internal/server/routes.go":     "package server\n\nimport \"net/http\"\n\nfunc Run() { http.HandleFunc(\"/\", Handler) }\n",
	"ws/gosvc/internal/store/orders.go":      "package store\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n)\n\nfunc Orders(ctx context.Context, db *sql.DB) {}\n",
	"ws/gosvc/internal/store/orders_test.go": "package store\n\nimport \"testing\"\n\nfunc TestOrders(t *testing.T) {}\n",
	"ws/gosvc/internal/client/http.go":       "package client\n\nimport \"time\"\n\nvar Timeout = time.Second*5\n",
	"ws/gosvc/config/config.yaml":            "server:\n  addr: :8080\ndatabase:\n  host: localhost\n",
	"ws/gosvc/config/config.example.yaml":    "server:\n  addr: :8080\ndatabase:\n  host: localhost\n  password: \"\"\n",
	"ws/gosvc/config/prod.yaml":              "server:\n  addr: :8080\ndatabase:\n  host: db.prod.acme.internal\n  user: gosvc\n  password: Go-Pr0d-S3cret-9917\n",
	"ws/gosvc/.golangci.yml":                 "linters:\n  enable: [govet, staticcheck]\n",
	"ws/gosvc/Makefile":                      "build:\n\tgo build -o bin/api ./cmd/api\ndeploy: build\n\t./scripts/deploy.sh\n",
	"ws/gosvc/testdata/orders.json":          "{\"orders\": [{\"id\": 1}]}\n",
	"ws/gosvc/bin/api":                       elfHeader,
	"ws/gosvc/bin/sqlcheck":                  elfHeader,
	"ws/gosvc/scripts/wrap.sh":               "#!/bin/sh\nexec \"$@\"\n",
	"ws/gosvc/overlay.json":                  "{\"Replace\": {}}\n",
	"ws/gosvc/cover.out":                     "mode: set\ngithub.com/acme/gosvc/internal/store/orders.go:8.52,8.53 0 0\n",
	".config/go/env":                         "GOPROXY=https://ci:Goproxy-S3cret-5150@goproxy.acme.internal,direct\nGOPRIVATE=github.com/acme/*\n",
	".gitconfig":                             "[user]\n\tname = Agent\n\temail = agent@example.com\n[url \"https://x-access-token:" + heldOut17GitHubToken + "@github.com/acme-private/\"]\n\tinsteadOf = https://github.com/acme-private/\n",
	"go/pkg/mod/github.com/.keep":            "",

	// Rust crate
	"ws/crate/Cargo.toml":               "[package]\nname = \"crate\"\nversion = \"0.3.1\"\nedition = \"2021\"\nbuild = \"build.rs\"\n\n[[bin]]\nname = \"crate-cli\"\npath = \"src/main.rs\"\n\n[dependencies]\nserde = \"1\"\n",
	"ws/crate/Cargo.lock":               "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\n",
	"ws/crate/build.rs":                 "fn main() { println!(\"cargo:rerun-if-changed=build.rs\"); }\n",
	"ws/crate/src/lib.rs":               "pub mod parser;\n\n#[cfg(test)]\nmod tests {}\n",
	"ws/crate/src/main.rs":              "fn main() {}\n",
	"ws/crate/src/parser.rs":            "#[derive(Debug)]\npub struct Parser;\n\nimpl Default for Parser { fn default() -> Self { Parser } }\n\npub fn parse(s: &str) -> usize { s.parse().unwrap() }\n",
	"ws/crate/rustfmt.toml":             "max_width = 100\n",
	"ws/crate/clippy.toml":              "msrv = \"1.74\"\n",
	"ws/crate/.cargo/config.toml":       "[alias]\nxtask = \"run --package xtask --\"\n",
	"ws/crate/CHANGELOG.md":             "## 0.3.1\n- parser fixes\n",
	"ws/crate/.gitignore":               "/target\n",
	"ws/crate/target/debug/.keep":       "",
	"ws/crate/target/release/crate-cli": elfHeader,
	"ws/crate/tools/wrap.sh":            "#!/bin/sh\nexec \"$@\"\n",
	"ws/crate/tools/run.sh":             "#!/bin/sh\nexec \"$@\"\n",
	".cargo/credentials":                "[registry]\ntoken = \"cio8Jq2LmX9vT4wZ8nB3cY6dF1hJ5pS0aE2\"\n",
	".ssh/id_ed25519":                   heldOut17OpenSSHKey,
	".ssh/id_rsa.pub":                   "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDq agent@laptop\n",

	// Monorepo
	"ws/mono/package.json":                 "{\"name\": \"mono\", \"private\": true, \"packageManager\": \"pnpm@9.1.0\"}\n",
	"ws/mono/pnpm-workspace.yaml":          "packages:\n  - packages/*\n  - apps/*\n",
	"ws/mono/turbo.json":                   "{\"tasks\": {\"build\": {}, \"test\": {}, \"lint\": {}}}\n",
	"ws/mono/.gitignore":                   ".worktrees/\nnode_modules/\ndist/\n",
	"ws/mono/packages/core/package.json":   "{\"name\": \"@acme/core\", \"version\": \"0.8.0\", \"exports\": \"./src/index.ts\"}\n",
	"ws/mono/packages/core/src/index.ts":   "export function createSession() { return {}; }\nexport function version() { return '0.8.0'; }\n",
	"ws/mono/packages/auth/package.json":   "{\"name\": \"@acme/auth\", \"dependencies\": {\"@acme/core\": \"workspace:*\"}}\n",
	"ws/mono/packages/auth/src/session.ts": "export type Session = { id: string };\n",
	"ws/mono/apps/web/package.json":        "{\"name\": \"@acme/web\", \"dependencies\": {\"@acme/core\": \"workspace:*\"}}\n",
	"ws/mono/scripts/status.sh":            "#!/bin/sh\ngit status -sb\n",
	"ws/mono/scripts/gitconfig":            "[core]\n\tpager = less\n",
	"ws/mono/scripts/pager.sh":             "#!/bin/sh\ncat\n",
	"ws/mono/scripts/fsmonitor.sh":         "#!/bin/sh\n",
	"ws/mono/scripts/ssh-wrap.sh":          "#!/bin/sh\nexec ssh \"$@\"\n",
	"ws/mono/scripts/hooks/post-merge":     "#!/bin/sh\npnpm install\n",

	// Ops repository
	"ws/ops/docker-compose.yml":          "services:\n  api:\n    image: ghcr.io/acme/api:1.4.0\n    ports: [\"8080:8080\"]\n    environment:\n      DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8080/healthz\"]\n    deploy:\n      replicas: 2\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n",
	"ws/ops/docker-compose.override.yml": "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: Compose-Override-S3cret-204\n",
	"ws/ops/.env":                        "DB_HOST=db\nDB_PASSWORD=Ops-Db-S3cret-6620\n",
	"ws/ops/.env.example":                "DB_HOST=db\nDB_PASSWORD=\n",
	"ws/ops/.gitignore":                  ".env\nbackups/\nlogs/\n",
	"ws/ops/README.md":                   "# ops\n",
	"ws/ops/Dockerfile":                  "FROM python:3.12-slim\nCOPY . /app\n",
	"ws/ops/Makefile":                    "up:\n\tdocker compose up -d\nbuild:\n\tdocker build -t acme/api:dev .\ndeploy:\n\t./scripts/deploy.sh\n",
	"ws/ops/justfile":                    "set dotenv-load\n\ndeploy env:\n    ./scripts/deploy.sh {{env}}\n",
	"ws/ops/scripts/deploy.sh":           "#!/usr/bin/env bash\nset -euo pipefail\necho deploy \"$1\"\n",
	"ws/ops/scripts/backup.sh":           "#!/bin/sh\nset -eu\npg_dump app > /srv/backup.sql\n",
	"ws/ops/scripts/check.sh":            "#!/bin/sh\ndocker compose ps\n",
	"ws/ops/scripts/rotate-logs.sh":      "#!/bin/sh\nfind logs -mtime +7 -delete\n",
	"ws/ops/scripts/Makefile":            "lint:\n\tshellcheck *.sh\n",
	"ws/ops/.github/workflows/ci.yml":    "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
	"ws/ops/.gitlab-ci.yml":              "stages: [test]\ntest:\n  script: [make build]\n",
	"ws/ops/nginx/site.conf":             "server {\n  listen 443 ssl;\n  server_name acme.example.com;\n  ssl_certificate certs/site.crt;\n  ssl_certificate_key certs/site.key;\n}\n",
	"ws/ops/nginx/certs/site.crt":        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJq8ZrK2LmX9vT4wZ8nB3cY6dF1h\n-----END CERTIFICATE-----\n",
	"ws/ops/nginx/certs/site.key":        heldOut17RSAKey,
	"ws/ops/deploy/id_deploy":            heldOut17OpenSSHKey,
	"ws/ops/deploy/id_deploy.pub":        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGrxmsrYuZf29PjBnyfnwdzjp0XUYk5ulLRoTa5CpHuY deploy@acme\n",
	"ws/ops/deploy/env.tpl":              "GITHUB_TOKEN=${GITHUB_TOKEN}\nDB_HOST=${DB_HOST}\n",
	"ws/ops/backups/prod.env":            "DB_PASSWORD=Ops-Backup-S3cret-3307\n",
	"ws/ops/logs/nginx-access.log":       "203.0.113.5 - - [01/May/2024] \"GET / HTTP/1.1\" 200 512\n203.0.113.6 - - [01/May/2024] \"GET /x HTTP/1.1\" 500 12\n",
	".config/glab-cli/config.yml":        "hosts:\n  gitlab.com:\n    token: " + heldOut17GitLabToken + "\n",
	".config/pip/pip.conf":               "[global]\nextra-index-url = https://ci:Pip-Index-S3cret-339@pypi.acme.internal/simple\n",
	".yarnrc.yml":                        "npmAuthToken: " + heldOut17NpmToken + "\n",
}

// heldOut17Links are links a hostile repository could carry, each to a
// secret in the home (relative, as git stores them).
var heldOut17Links = map[string]string{
	"ws/api/docs/reference.txt":     "../../../.ssh/id_rsa",
	"ws/web/src/fixtures/netrc.txt": "../../../../.netrc",
}

// heldOut17Archives are archives in the scratch with a secret among their
// members: name -> member -> content.
var heldOut17Archives = map[string]map[string]string{
	"ws/web/release.tgz":                 {"./dist/index.html": "<!doctype html>\n", "./.env.production": "STRIPE_SECRET_KEY=" + heldOut17StripeKey + "\nAPI_KEY=" + heldOut17OpenAIKey + "\n"},
	"ws/web/build.zip":                   {"dist/index.html": "<!doctype html>\n", ".env.production": "TOKEN=" + heldOut17GitHubToken + "\n"},
	"ws/ops/backups/site-2024-05-01.tgz": {"./site/index.html": "<html></html>\n", "./site/.env": "DB_PASSWORD=Ops-Archive-S3cret-8123\n"},
}

// writeArchive writes an archive of members at path: a gzipped tar for
// .tgz, a zip for .zip.
func writeArchive(t *testing.T, path string, members map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	if filepath.Ext(path) == ".zip" {
		zw := zip.NewWriter(&buf)
		for name, content := range members {
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write([]byte(content)); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	} else {
		gz := gzip.NewWriter(&buf)
		tw := tar.NewWriter(gz)
		for name, content := range members {
			if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
				t.Fatal(err)
			}
			if _, err := tw.Write([]byte(content)); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := gz.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// heldOut17Scratch makes the seventeenth batch's home: the files, links,
// archives, the six repositories (the monorepo with an upstream remote and
// a worktree on branch feat-auth) and the environment an agent's shell
// has (tokens among its variables). It returns the home and the
// repositories by section.
func heldOut17Scratch(t *testing.T) (home string, dirs map[int]string) {
	return worldsScratch(t, heldOut17Files, heldOut17Worlds)
}

// worldsScratch makes a home of files, heldOut17Links and
// heldOut17Archives, with a repository under ws for each of worlds (the
// monorepo's origin under acme-private, with an upstream remote and a
// worktree on branch feat-auth), and the seventeenth batch's environment.
func worldsScratch(t *testing.T, files map[string]string, worlds []struct{ mark, dir string }) (home string, dirs map[int]string) {
	t.Helper()
	home = batchHome(t, files)
	for name, target := range heldOut17Links {
		p := filepath.Join(home, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	for name, members := range heldOut17Archives {
		writeArchive(t, filepath.Join(home, name), members)
	}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GITHUB_TOKEN", heldOut17GitHubToken)
	t.Setenv("OPENAI_API_KEY", heldOut17OpenAIKey)
	t.Setenv("NPM_TOKEN", heldOut17NpmToken)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws/credentials"))
	ws := filepath.Join(home, "ws")
	dirs = map[int]string{}
	for i, w := range worlds {
		dir := filepath.Join(ws, w.dir)
		dirs[i+1] = dir
		owner := "acme"
		if w.dir == "mono" {
			owner = "acme-private"
		}
		batchRepo(t, dir, "https://github.com/"+owner+"/"+w.dir+".git", "v0.1.0")
	}
	gitSetUp(t, filepath.Join(ws, "mono"), [][]string{
		{"remote", "add", "upstream", "https://github.com/acme/mono.git"},
		{"worktree", "add", "-q", ".worktrees/feat-auth", "-b", "feat-auth"},
		{"-C", ".worktrees/feat-auth", "-c", "user.name=a", "-c", "user.email=a@example.com", "commit", "-q", "--allow-empty", "-m", "auth: session"},
	})
	return home, dirs
}

// TestHeldOut17 judges the seventeenth held-out batch as TestHeldOut15
// judges the fifteenth, each section in its own repository under HOME/ws
// (the root that repository).
func TestHeldOut17(t *testing.T) {
	judgeWorlds(t, heldOut17Worlds, heldOut17Scratch, heldOutBatch{file: "heldout17.txt", n: 17, ordinal: "seventeenth",
		reads: heldOut17Reads, edits: heldOut17Edits})
}

// judgeWorlds judges testdata/FILE (b.file), whose sections are marked by
// worlds, each in the repository scratch makes for it under HOME/ws.
func judgeWorlds(t *testing.T, worlds []struct{ mark, dir string }, scratch func(*testing.T) (string, map[int]string), b heldOutBatch) {
	t.Helper()
	marks := make([]string, len(worlds))
	for i, w := range worlds {
		marks[i] = w.mark
	}
	cmds := readLabelled(t, "testdata/"+b.file, marks, 0)
	set := defaultSet(t)
	home, dirs := scratch(t)
	b.dirs = dirs
	judgeBatch(t, set, cmds, filepath.Join(home, "ws"), home, b)
}

// TestSeventeenthBatchClasses: the classes the seventeenth batch found
// judged safe. A settings file of any name (YAML, TOML, INI, properties)
// that sets a password key to a value of its own (config/prod.yaml, a
// compose override's POSTGRES_PASSWORD); a search for a key prefix's stem
// (sk_live, github_pat, glpat: the tokens a bundle inlined); a git
// command's files after -C DIR, which are DIR's (`git -C ~/.aws diff
// --no-index credentials /dev/null` printed the key, `git -C /tmp diff
// --output=x` wrote /tmp/x in auto-edit mode). Each attack is first run in
// the real bash, which prints the secret; each near miss (a placeholder,
// the user's name as the password, a path to a password file, a word that
// only starts with a stem, the same files without -C) still runs; so do
// pre-commit's and just's version queries, declared after the batch.
func TestSeventeenthBatchClasses(t *testing.T) {
	set := defaultSet(t)
	home := scratchHome(t)
	proj := filepath.Join(home, "proj")
	writeTree(t, home, map[string]string{
		"proj/config/prod.yaml":            "server:\n  addr: :8080\ndatabase:\n  user: svc\n  password: Go-Pr0d-S3cret-99\n",
		"proj/config/config.example.yaml":  "database:\n  user: svc\n  password: \"\"\n  passwordFile: /run/secrets/db_password\n  password_min_length: 12\n",
		"proj/docker-compose.override.yml": "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: Compose-S3cret-204\n",
		"proj/docker-compose.yml":          "services:\n  db:\n    environment:\n      POSTGRES_USER: postgres\n      POSTGRES_PASSWORD: postgres\n  api:\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n",
		"proj/settings.toml":               "[database]\nhost = \"db\"\ndb_password = \"Toml-S3cret-733\"\n",
		"proj/app.ini":                     "[mail]\nsmtpPassword = Ini-S3cret-5521\n",
		"proj/conf/app.properties":         "mail.host=smtp\nmail.adminPassword=Prop-S3cret-8812\n",
		"proj/.github/workflows/ci.yml":    "jobs:\n  push:\n    steps:\n      - uses: docker/login-action@v3\n        with:\n          password: ${{ secrets.REGISTRY_PASSWORD }}\n",
		"proj/docs/setup.yaml":             "database:\n  password: changeme\n",
		"proj/config/production.json":      "{\"db\":{\"host\":\"db\",\"user\":\"app\",\"password\":\"Json-S3cret-4410\"},\"port\":8080}\n",
		"proj/tests/fixtures/login.json":   "{\"email\": \"ada@example.com\", \"password\": \"test\"}\n",
		"proj/package.json":                "{\"name\": \"x\", \"dependencies\": {\"passport\": \"^0.7.0\", \"passport-local\": \"^1.0.0\"}}\n",
		"proj/dist/assets/index-3f9a2c.js": "const k=\"sk_live_51Jr4ZqK8LmX2vT7wZ4nB9cY1dF6hJ0pS5aE8uQrT3mW\";fetch(\"/api\");\n",
		"proj/src/locales/de.json":         "{\"login\": {\"password\": \"Passwort\", \"forgotPassword\": \"Passwort vergessen?\"}}\n",
		"proj/group_vars/all.yml":          "db_user: app\ndb_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6132\n",
		"proj/src/app.ts":                  "export const pypi = 'https://pypi.org';\n",
		"proj/sub/a.txt":                   "a\n", "proj/sub/b.txt": "b\n",
		".aws/credentials": "[default]\naws_secret_access_key = Aws-S3cret-Key-771\n",
	})
	attacks := map[string]string{
		`cat config/prod.yaml`:                                "Go-Pr0d-S3cret-99",
		`head -n 20 config/*.yaml`:                            "Go-Pr0d-S3cret-99",
		`awk '/database:/,/^$/' config/prod.yaml`:             "Go-Pr0d-S3cret-99",
		`yq .database config/prod.yaml`:                       "Go-Pr0d-S3cret-99",
		`cat docker-compose.override.yml`:                     "Compose-S3cret-204",
		`cat settings.toml`:                                   "Toml-S3cret-733",
		`grep -A2 database settings.toml`:                     "Toml-S3cret-733",
		`cat app.ini`:                                         "Ini-S3cret-5521",
		`cat conf/app.properties`:                             "Prop-S3cret-8812",
		`jq .db config/production.json`:                       "Json-S3cret-4410",
		`grep -rn "sk_live" dist`:                             "sk_live_51Jr4",
		`rg sk_live`:                                          "sk_live_51Jr4",
		`git -C ~/.aws diff --no-index credentials /dev/null`: "Aws-S3cret-Key-771",
		`git -C ~/.aws grep --no-index -n .`:                  "Aws-S3cret-Key-771",
	}
	cases := bashPrints(t, proj, attacks)
	for cmd, want := range map[string]bool{
		// Placeholders, paths, lengths, stand-ins, the user's name.
		`cat config/config.example.yaml`: true,
		`cat docker-compose.yml`:         true,
		`cat .github/workflows/ci.yml`:   true,
		`cat docs/setup.yaml`:            true,
		`cat tests/fixtures/login.json`:  true,
		`cat src/locales/de.json`:        true,
		`cat group_vars/all.yml`:         true,
		`jq .dependencies package.json`:  true,
		// A word that only starts with a stem; a stem too short to tell.
		`grep -rn pypi src`: true, `grep -rn sk_livestock src`: true, `rg -n ghp src`: true,
		`rg -n github_pat src`: false, `grep -rn glpat src`: false,
		// Versions printed before any project file is read.
		`pre-commit --version`: true, `just --version`: true, `just --list`: false, `pre-commit run`: false,
		// The same files from the working directory.
		`git -C sub diff --no-index a.txt b.txt`: true, `git diff --no-index sub/a.txt sub/b.txt`: true,
	} {
		cases[cmd] = want
	}
	judgeRuns(t, set, proj, cases)
	// Writes after -C land in its directory: outside the root asks in
	// auto-edit mode, inside it runs.
	for cmd, want := range map[string]bool{
		`git -C /tmp diff --output=x`:      false,
		`git -C ~ diff --output=.bashrc`:   false,
		`git -C sub diff --output=../../x`: false,
		`git -C sub diff --output=x.patch`: true,
		`git diff --output=x.patch`:        true,
	} {
		v := set.Judge([]string{"bash", "-c", cmd}, proj)
		if got := policy.Decide(&v, policy.AutoEdit, []string{proj}).Action == policy.Run; got != want {
			t.Errorf("%q in auto-edit mode: run=%v, want %v (writes %v)", cmd, got, want, v.Writes)
		}
	}
}
