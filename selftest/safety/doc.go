// Package safety proves that the suite is safe to point at a shared server: it runs the
// compiled suite as a subprocess and checks what reached the server (only GET and POST, at
// most the allowed wrong-password log-ins), what the run wrote (no secret, no token that
// verifies), and how it ends against hostile targets (within its budget, with named failures,
// never a panic or a hang).
package safety
