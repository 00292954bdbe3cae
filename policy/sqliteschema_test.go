package policy

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// FuzzSqliteSchema: whatever a database file holds, the schema reader
// returns or fails; it never panics or loops (a page that points at itself,
// a cell past the page, an overflow chain without end).
func FuzzSqliteSchema(f *testing.F) {
	page := make([]byte, 1024)
	copy(page, "SQLite format 3\x00")
	page[16], page[17], page[18], page[19] = 0x04, 0x00, 1, 1
	page[59] = 1
	page[100] = 0x0d
	f.Add(page, uint64(1))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		if len(data) < 100 {
			return
		}
		r := rand.New(rand.NewPCG(seed, seed))
		b := append([]byte(nil), data...)
		for i := 0; i < 8 && len(b) > 100; i++ {
			b[100+r.IntN(len(b)-100)] = byte(r.IntN(256))
		}
		p := filepath.Join(t.TempDir(), "x.db")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sqliteSchema(p)
	})
}

// TestSqliteSchemaMutations runs the fuzz body over random mutations of a
// small database with a page-1 leaf, an interior page and overflow cells.
func TestSqliteSchemaMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 600; n++ {
		size := 512 << r.IntN(3)
		b := make([]byte, size*(1+r.IntN(4)))
		copy(b, "SQLite format 3\x00")
		b[16], b[17] = byte(size>>8), byte(size)
		b[18], b[19], b[59] = 1, 1, 1
		b[100] = []byte{0x0d, 0x05}[r.IntN(2)]
		for i := 0; i < 40; i++ {
			b[100+r.IntN(len(b)-100)] = byte(r.IntN(256))
		}
		b[103], b[104] = 0, byte(r.IntN(8))
		p := filepath.Join(t.TempDir(), "x.db")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sqliteSchema(p)
	}
}
