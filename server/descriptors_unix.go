//go:build unix

package server

import "syscall"

// descriptorLimit is how many files this process may open. Go already
// raises the soft limit to the hard one at start (since Go 1.19); this does
// it again in case something lowered it, then reads it.
func descriptorLimit() (int, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	if rl.Cur < rl.Max {
		raised := syscall.Rlimit{Cur: rl.Max, Max: rl.Max}
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised) == nil {
			rl = raised
		}
	}
	return int(min(rl.Cur, 1<<30)), nil
}
