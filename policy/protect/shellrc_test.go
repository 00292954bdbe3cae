package protect

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestSourcedFiles: the paths a start-up file sources, as shells and the
// installers' snippets write them.
func TestSourcedFiles(t *testing.T) {
	dir := t.TempDir()
	rc := filepath.Join(dir, ".bashrc")
	content := `# comment: . /not/this
. ~/dotfiles/aliases.sh
source "$HOME/.cargo/env"
export NVM_DIR="$HOME/.nvm"
[ -s "$NVM_DIR/nvm.sh" ] && \. "$NVM_DIR/nvm.sh"  # loads nvm
if [ -f ~/.bash_extra ]; then . ~/.bash_extra; fi
ZSH=${HOME}/.oh-my-zsh; source $ZSH/oh-my-zsh.sh
source <(kubectl completion bash)
for f in ~/.bashrc.d/*; do . "$f"; done
source "$UNSET_VAR/x.sh"
test -r /opt/tools/env.sh && source /opt/tools/env.sh 2>/dev/null
`
	if err := os.WriteFile(rc, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	got := sourcedFiles(rc, map[string]string{"HOME": "/home/u"})
	want := []string{"/home/u/dotfiles/aliases.sh", "/home/u/.cargo/env", "/home/u/.nvm/nvm.sh", "/home/u/.bash_extra",
		"/home/u/.oh-my-zsh/oh-my-zsh.sh", "/opt/tools/env.sh"}
	if !slices.Equal(got, want) {
		t.Errorf("sourcedFiles:\n got %q\nwant %q", got, want)
	}
}

// TestResolveShellSourced: a file the user's ~/.bashrc sources, inside a
// root (a dotfiles repository as the working directory), is protected; one
// outside every root is not (writes there are refused anyway).
func TestResolveShellSourced(t *testing.T) {
	base := t.TempDir()
	home := filepath.Join(base, "home")
	dots := filepath.Join(home, "dotfiles")
	other := filepath.Join(base, "other")
	for _, d := range []string{dots, other} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(home, ".bashrc"), ". ~/dotfiles/aliases.sh\nsource "+other+"/env.sh\n")
	write(filepath.Join(dots, "aliases.sh"), "source ~/dotfiles/more.sh\n")
	write(filepath.Join(dots, "more.sh"), "alias ll='ls -l'\n")
	write(filepath.Join(other, "env.sh"), "export A=1\n")
	prot, _ := Default().ResolveWatched([]string{dots}, nil, home, nil)
	var paths []string
	for _, f := range prot {
		paths = append(paths, f.Path)
	}
	for _, want := range []string{filepath.Join(dots, "aliases.sh"), filepath.Join(dots, "more.sh")} {
		if !slices.Contains(paths, want) {
			t.Errorf("protected %q: want %s (sourced at shell start-up)", paths, want)
		}
	}
	if slices.Contains(paths, filepath.Join(other, "env.sh")) {
		t.Errorf("protected %q: %s lies in no root", paths, filepath.Join(other, "env.sh"))
	}
}

// TestResolveDirenvLoads (edits-3): the files an .envrc's direnv commands
// load (dotenv's .env, use nix's shell.nix and default.nix, use flake's
// flake.nix and flake.lock, use vim's script) are protected, present or
// missing; a flake from a registry names no file of the project, and a
// .env beside an .envrc that does not load it stays writable.
func TestResolveDirenvLoads(t *testing.T) {
	root := t.TempDir()
	write := func(rel, s string) {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".envrc", "dotenv\nuse nix\nuse flake\nuse vim\n")
	write(".env", "A=1\n")
	write("a/.envrc", "dotenv_if_exists \"config/dev.env\" # local\nuse flake nixpkgs#hello\nuse_nix dev.nix -p jq\n")
	write("b/.envrc", "dotenv ../shared\nuse flake ./nix#dev\n")
	write("c/.envrc", "export A=1\n")
	write("d/.envrc", "use nix --argstr env dev\n")
	write("c/.env", "A=1\n")
	os.MkdirAll(filepath.Join(root, "shared"), 0o755)
	prot, _ := Default().Resolve([]string{root}, []string{root}, t.TempDir())
	got := map[string]bool{}
	for _, f := range prot {
		got[f.Path] = true
	}
	for _, rel := range []string{".env", "shell.nix", "default.nix", "flake.nix", "flake.lock", ".vimrc.local",
		"a/config/dev.env", "a/dev.nix", "shared/.env", "b/nix/flake.nix", "d/shell.nix"} {
		if !got[filepath.Join(root, rel)] {
			t.Errorf("%s not protected: %v", rel, prot)
		}
	}
	for _, rel := range []string{"c/.env", "a/flake.nix", "a/jq", "b/.env", "a/shell.nix"} {
		if got[filepath.Join(root, rel)] {
			t.Errorf("%s protected, want writable", rel)
		}
	}
}
