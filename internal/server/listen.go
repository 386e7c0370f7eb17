package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
)

// Adopt makes Start serve on ln, a listener opened earlier, such as to report a port in use
// before anything else happens.
func (s *Server) Adopt(ln net.Listener) { s.ln = ln }

// Start listens on the server's address, or uses the adopted listener, and serves in the
// background. It returns once the listener is open, so that a port in use is reported at once.
func (s *Server) Start(context.Context) error {
	if s.ln == nil {
		ln, err := net.Listen("tcp", s.srv.Addr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", s.srv.Addr, err)
		}
		s.ln = ln
	}
	ln := s.ln
	s.started = true
	s.addr = ln.Addr().String()
	s.log.Info("http server listening", slog.String("addr", s.addr))
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return nil
}

// Addr returns the address the server listens on, with the port chosen when the configured one
// was 0. Before Start it returns the configured address.
func (s *Server) Addr() string {
	if s.addr != "" {
		return s.addr
	}
	return s.srv.Addr
}

// Done returns a channel that yields the serving error, or nil after a graceful stop.
func (s *Server) Done() <-chan error { return s.done }

// Stop stops accepting connections and waits for requests in flight until ctx ends. It is safe
// before Start and when called twice.
func (s *Server) Stop(ctx context.Context) error {
	if !s.stopped.CompareAndSwap(false, true) {
		return nil
	}
	if !s.started && s.ln != nil {
		// Adopted and never served: http.Server does not know of the listener.
		if err := s.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("close listener: %w", err)
		}
		return nil
	}
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("stop http server: %w", err)
	}
	return nil
}
