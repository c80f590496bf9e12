package store

// ProgressAddForTest exposes progressAdd to the package's external tests.
var ProgressAddForTest = progressAdd
