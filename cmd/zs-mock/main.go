// Command zs-mock serves the reference mock of the Zonesmart authentication API on loopback,
// optionally with named faults, so that the conformance suite can be run against a known server.
//
// The first line on stdout is the base URL (http://127.0.0.1:PORT); the server stops cleanly on
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/zonesmart/jwt-conformance/mockserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil)
	stop()
	os.Exit(code)
}

// Exit codes: 0 after a clean stop, 1 when serving fails, 2 for a bad invocation.
const (
	exitServe = 1
	exitUsage = 2
)

// run is main without the process: ready, when not nil, receives the base URL once serving.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- string) int {
	fs := flag.NewFlagSet("zs-mock", flag.ContinueOnError)
	// flag's own messages are multi-line; a bad invocation gets one line, written below.
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free one)")
	faults := fs.String("faults", "", "comma-separated fault `names` to switch on (default $ZS_MOCK_FAULTS)")
	key := fs.String("key", "", "HS256 signing `key` (default $ZS_MOCK_SIGNING_KEY, else the published test key)")
	iat := fs.Bool("iat", false, "add iat claims as simplejwt 5.2 does")
	list := fs.Bool("list-faults", false, "print the fault catalogue and exit")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "usage: zs-mock [-addr host:port] [-faults name,...] [-key key] [-iat] | -list-faults")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "zs-mock: %v (see -h)\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "zs-mock: unexpected argument %q (see -h)\n", fs.Arg(0))
		return exitUsage
	}
	if *list {
		listFaults(stdout)
		return 0
	}

	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["faults"] {
		*faults = getenv("ZS_MOCK_FAULTS")
	}
	if !set["key"] {
		*key = getenv("ZS_MOCK_SIGNING_KEY")
	}
	if err := checkLoopback(*addr); err != nil {
		fmt.Fprintf(stderr, "zs-mock: -addr: %v\n", err)
		return exitUsage
	}
	server, err := mockserver.New(mockserver.Options{
		SigningKey: []byte(*key),
		IssuedAt:   *iat,
		Faults:     mockserver.ParseFaultList(*faults),
	})
	if err != nil {
		fmt.Fprintf(stderr, "zs-mock: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		return exitUsage
	}

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "zs-mock: %v\n", err)
		return exitServe
	}
	base := "http://" + listener.Addr().String()
	fmt.Fprintln(stdout, base)
	if ready != nil {
		ready <- base
	}
	httpServer := &http.Server{Handler: server, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(listener) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "zs-mock: %v\n", err)
		return exitServe
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "zs-mock: shutdown: %v\n", err)
		return exitServe
	}
	return 0
}

// checkLoopback refuses to serve beyond this machine: the mock's key and password are public.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address (127.0.0.1, ::1 or localhost)", host)
	}
	return nil
}

func listFaults(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tNEEDS-KEY\tBREAKS\tDESCRIPTION")
	for _, f := range mockserver.Faults() {
		needsKey := "no"
		if f.NeedsKey {
			needsKey = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Name, needsKey, strings.Join(f.Breaks, ","), f.Description)
	}
	_ = tw.Flush()
}
