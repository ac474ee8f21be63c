package server

// Main is the native server's entry point. The browser build never reaches
// it (app.RunWhenOnBrowser does not return there); this stub keeps the
// server's code and its HTTP client out of the wasm.
func Main() int { return 0 }
