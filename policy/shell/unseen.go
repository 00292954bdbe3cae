package shell

import (
	"unicode"
	"unicode/utf8"
)

// Unseen reports whether a terminal may act on r rather than show it,
// may show it as nothing or as blank, or may turn the text around it: C0
// and C1 controls, DEL, format characters (bidirectional overrides,
// zero-width characters), line and paragraph separators, every space but
// the ASCII one, characters with no glyph of their own (unassigned, private
// use, surrogates, variation selectors and the other default-ignorable
// code points, among them the Hangul fillers U+115F, U+1160, U+3164 and
// U+FFA0, which are letters), glyphs drawn blank (U+2800 BRAILLE PATTERN
// BLANK, U+303F, U+1D159), and right-to-left letters and digits (a
// terminal that lays out bidirectional text reverses the order of the
// words around them). guard escapes each in what it shows a person: a
// question showed a program named "git" and a Hangul filler as 'gitㅤ',
// which reads as git.
func Unseen(r rune) bool {
	if r < utf8.RuneSelf {
		return r < 0x20 || r == 0x7f
	}
	return !unicode.IsPrint(r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r) || drawnBlank(r) || rightToLeft(r)
}

// drawnBlank reports whether r is a printable character whose glyph is
// blank in the fonts terminals use.
func drawnBlank(r rune) bool {
	switch r {
	case 0x2800, 0x303f, 0x1d159, 0x16fe4:
		return true
	}
	return false
}

// rightToLeft reports whether r lies in a block Unicode gives a
// right-to-left bidirectional class by default (DerivedBidiClass.txt: R and
// AL): Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and their
// presentation forms, and the right-to-left scripts of the supplementary
// planes.
func rightToLeft(r rune) bool {
	return r >= 0x0590 && r <= 0x08ff || r >= 0xfb1d && r <= 0xfdff || r >= 0xfe70 && r <= 0xfeff ||
		r >= 0x10800 && r <= 0x10fff || r >= 0x1e800 && r <= 0x1efff
}
