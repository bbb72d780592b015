package engine

// StopTemporalOf stops the embedded Temporal server under a running engine, to test what the API does
// when Temporal is unreachable.
func StopTemporalOf(e *Engine) error { return e.temporal.Stop() }

// CloseStoreOf closes the event store under a running engine, to test what the API does when the store
// is unreachable.
func CloseStoreOf(e *Engine) error { return e.store.Close() }

// DevSignInOf reports whether an engine of cfg offers the development sign-in.
func DevSignInOf(cfg Config) (bool, error) {
	signIn, err := cfg.SignIn()
	if err != nil {
		return false, err
	}
	return cfg.devSignIn(signIn), nil
}
