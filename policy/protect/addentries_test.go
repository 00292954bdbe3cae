package protect

import "testing"

// AddEntries appends entries whole, their exceptions kept, and an index
// made before it still finds them (the gate adds the "~/" entries below the
// account's real home this way when HOME is another directory).
func TestAddEntries(t *testing.T) {
	l := Default()
	if l.Secret("/real/vault.txt", "/tmp/h") != nil {
		t.Fatal("/real/vault.txt is a secret before it is added: the check below would prove nothing")
	}
	var real []Entry
	for _, e := range Default().Entries {
		if e.Pattern == "~/.ssh/id_*" {
			e.Pattern = "/real/.ssh/id_*"
			real = append(real, e)
		}
	}
	if len(real) != 1 || len(real[0].Except) == 0 {
		t.Fatalf("want one ~/.ssh/id_* entry with exceptions in the default list, have %v", real)
	}
	l.AddEntries(append(real, Entry{Pattern: "/real/vault.txt", Kind: Secret, Reason: "test"})...)
	if l.Secret("/real/vault.txt", "/tmp/h") == nil {
		t.Error("/real/vault.txt is no secret after AddEntries (the index made before it was kept)")
	}
	if e := l.Secret("/real/.ssh/id_ed25519.pub", "/tmp/h"); e != nil {
		t.Errorf("/real/.ssh/id_ed25519.pub is a secret (%s): the entry's exception was lost", e.Reason)
	}
}
