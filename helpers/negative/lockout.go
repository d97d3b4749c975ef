package negative

import (
	"fmt"
	"sync"
)

// Lockout bounds the wrong-password log-ins of a run at safety.wrong_password_attempts. Two
// rules hold together: a case's attempts are numbered in the table (FirstWrongPassword), so
// the same cases run whatever the spec order or the number of parallel processes; and the
// attempts actually sent are counted, so no process can send more than the bound even if a
// case declared its numbers wrong.
type Lockout struct {
	mu   sync.Mutex
	sent int
}

// Reserve admits n wrong-password log-ins of case c under limit and counts them as sent, or
// says why not, naming the key that raises the bound.
func (l *Lockout) Reserve(c Case, n, limit int) error {
	if n == 0 {
		return nil
	}
	if c.FirstWrongPassword < 1 {
		return fmt.Errorf("%s sends %d wrong-password log-ins but numbers none (FirstWrongPassword); it is not sent", c.Clause, n)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	last := c.FirstWrongPassword + n - 1
	if last > limit || l.sent+n > limit {
		return fmt.Errorf("would send wrong-password log-in %d of this run, and safety.wrong_password_attempts (ZS_WRONG_PASSWORD_ATTEMPTS) allows %d: raise it to run this spec", last, limit)
	}
	l.sent += n
	return nil
}

// Sent is how many wrong-password log-ins were admitted.
func (l *Lockout) Sent() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent
}
