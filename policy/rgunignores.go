package policy

// RgUnignores reports whether rg, searching the tree dir without --hidden,
// may still read hidden files: an ignore file on the way holds a whitelist
// rule (`!.env` in .ignore, .rgignore or a .gitignore), see rgUnignores.
// For the agents' search tools that run rg without --hidden (Gemini CLI's
// grep_search), which guard's hook judges with DecideSearch: the judge's
// shell rg reads it so already (judge-11 R6).
func RgUnignores(dir string) bool { return rgUnignores(dir) }
