package main

// serve is never reached in the browser: app.RunWhenOnBrowser does not return.
func serve() {}
