// Package intake serves predmet's HTTP API: case intake and reading for staff.
package intake

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/i18n"
)

// DefaultMaxBodyBytes is the default limit on the size of a request body: 64 KiB.
const DefaultMaxBodyBytes = 64 << 10

// readyTimeout bounds the readiness check of GET /readyz.
const readyTimeout = 5 * time.Second

//go:embed openapi.json
var openAPI []byte

// Server is predmet's HTTP API. Set its fields, then serve its Handler with an http.Server (with
// ReadHeaderTimeout set); shut that down gracefully with http.Server.Shutdown.
type Server struct {
	// Cases opens and reads cases, and takes staff actions on them.
	Cases domain.CaseService
	// Clocks stops and restarts every case's clock at once (/api/v1/clocks). Nil makes those routes
	// answer 500.
	Clocks domain.ClockService
	// ReadModels answers the read side's routes: the case list, the due-date tracker, the sectors'
	// inboxes, the escalations and the statistics. Nil makes those routes answer 500 (a mistake in
	// wiring, logged as an internal error), after checking their query strings.
	ReadModels domain.ReadModels
	// Briefings serves the mayor's daily briefings (/api/v1/briefings). Nil makes those routes answer 500.
	Briefings domain.BriefingService
	// Outbox lists the notifications and sends again what failed (/api/v1/outbox). Nil makes those
	// routes answer 500.
	Outbox domain.OutboxService
	// Projections watches, rebuilds and checks the read models (/api/v1/projections); Directory reloads
	// the organisation directory (/api/v1/directory/reload). Nil makes those routes answer 500.
	Projections ProjectionAdmin
	Directory   DirectoryAdmin
	// Privacy erases personal data, exports a person's copy and the access log (/api/v1/erasures,
	// /api/v1/people/export, /api/v1/access-log). Nil makes those routes answer 500.
	Privacy domain.PrivacyService
	// Metrics, if set, serves GET /metrics (Prometheus), without authentication.
	Metrics http.Handler
	// Policies are the policies of the case kinds, shown by GET /api/v1/kinds; nil means
	// domain.DefaultPolicies().
	Policies domain.Policies
	// Staff authenticates the callers of /api/v1 by their bearer token: a *Staff, or a *StaffFile that
	// follows its file. Nil lets no token in.
	Staff Authenticator
	// Identities, if set, makes a token's user the person the organisation directory holds, as a
	// browser's session does; nil takes the staff file's users as they are.
	Identities Identities
	// Sessions, if set, lets a browser signed in to the staff pages call /api/v1 with its session
	// instead of a token, and serves POST /api/v1/sessions/{person}/end (else answered 500).
	Sessions Sessions
	// Routes, if set, adds routes to the router after the API's own, which take precedence: the
	// sign-in's and the staff pages'. They share the API's request IDs, access log and panic recovery.
	Routes func(r *mux.Router)
	// Logger receives the access log and internal errors; nil logs nothing.
	Logger *zap.Logger
	// Ready reports whether the server's dependencies can be reached (GET /readyz); nil means ready.
	Ready func(ctx context.Context) error
	// ReadyDetails, if set, describes the dependencies for GET /readyz, ready or not.
	ReadyDetails func(ctx context.Context) map[string]any
	// MaxBodyBytes limits the size of request bodies (DefaultMaxBodyBytes when 0).
	MaxBodyBytes int64
	// Now returns the current time; nil means time.Now. It decides which day is today, for a receipt
	// dated by its day.
	Now func() time.Time
}

// now returns the current time.
func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Handler returns the HTTP handler of the API: the routes behind the middleware that gives every
// request an ID, logs it and recovers from panics. Routes under /api/v1, except the OpenAPI document,
// require a bearer token or a signed-in browser's session (Sessions).
func (s *Server) Handler() http.Handler {
	return s.withRequestID(s.logRequests(s.recoverPanics(s.router())))
}

// router returns the routes.
func (s *Server) router() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(s.handleNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.handleMethodNotAllowed)
	r.Use(recordRoute)

	// Open routes: probes and documentation.
	r.HandleFunc("/healthz", s.handleHealthz).Methods(http.MethodGet)
	r.HandleFunc("/readyz", s.handleReadyz).Methods(http.MethodGet)
	r.HandleFunc("/api/v1/openapi.json", s.handleOpenAPI).Methods(http.MethodGet)
	if s.Metrics != nil {
		r.Handle("/metrics", s.Metrics).Methods(http.MethodGet)
	}

	// Authenticated routes, all under /api/v1. The subrouter has no path prefix of its own, and its
	// routes carry the whole path: with a prefix, gorilla/mux v1.8.1 loses a method mismatch on one
	// route of the subrouter when a later one shares the prefix, answering 404 instead of 405.
	api := r.NewRoute().Subrouter()
	api.Use(s.authenticate)
	s.registerCaseRoutes(api)
	s.registerClockRoutes(api)
	s.registerKindRoutes(api)
	s.registerBriefingRoutes(api)
	s.registerReadRoutes(api)
	s.registerOutboxRoutes(api)
	s.registerAdminRoutes(api)
	s.registerPrivacyRoutes(api)
	s.registerAuthRoutes(api)

	if s.Routes != nil {
		s.Routes(r)
	}
	return r
}

func (s *Server) logger() *zap.Logger {
	if s.Logger == nil {
		return zap.NewNop()
	}
	return s.Logger
}

func (s *Server) maxBodyBytes() int64 {
	if s.MaxBodyBytes <= 0 {
		return DefaultMaxBodyBytes
	}
	return s.MaxBodyBytes
}

// handleHealthz handles "GET /healthz": the process is up.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz handles "GET /readyz": the process can serve requests (200) or not (503).
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	var err error
	if s.Ready != nil {
		err = s.Ready(ctx)
	}
	var details map[string]any
	if s.ReadyDetails != nil {
		details = s.ReadyDetails(ctx)
	}
	if err != nil {
		s.logger().Warn("not ready", zap.Error(err), zap.String("requestId", RequestIDFromContext(r.Context())))
		s.writeProblem(w, r, domain.Errorf(domain.EUNAVAILABLE, msgNotReady), details)
		return
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		Status  string         `json:"status"`
		Details map[string]any `json:"details,omitempty"`
	}{"ready", details})
}

// handleOpenAPI handles "GET /api/v1/openapi.json": the OpenAPI document of the API.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(openAPI)
}

// handleNotFound answers requests that match no route.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, domain.Errorf(domain.ENOTFOUND, msgNoRoute, r.URL.Path))
}

// handleMethodNotAllowed answers requests to a route with a method it does not serve.
func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	allowed := strings.Join(s.allowedMethods(r), ", ")
	w.Header().Set("Allow", allowed)
	lang := responseLanguage(r)
	s.writeProblemBody(w, lang, problem{
		Type:      problemType(""),
		Status:    http.StatusMethodNotAllowed,
		Detail:    i18n.Translate(lang, msgMethodNotAllowed, r.Method, allowed),
		RequestID: RequestIDFromContext(r.Context()),
	})
}

// allowedMethods returns the methods that a route serves at r's path.
func (s *Server) allowedMethods(r *http.Request) []string {
	router := s.router()
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		req := r.Clone(r.Context())
		req.Method = m
		var match mux.RouteMatch
		if router.Match(req, &match) && match.MatchErr == nil {
			allowed = append(allowed, m)
		}
	}
	return allowed
}

// writeJSON writes v as the JSON body of a response with the given status.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		s.logger().Debug("cannot write response", zap.Error(err))
	}
}

// Request-scoped values.
type contextKey int

const (
	userKey contextKey = iota
	infoKey
	callerKey
)

// requestInfo describes a request for the access log. The middleware fills it in as the request
// goes through.
type requestInfo struct {
	id    string
	route string
	user  *domain.StaffUser
}

func infoOf(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(infoKey).(*requestInfo); ok {
		return info
	}
	return &requestInfo{}
}

// RequestIDFromContext returns the ID of the request being served, or "" outside a request.
func RequestIDFromContext(ctx context.Context) string { return infoOf(ctx).id }

// routeOf returns the path template of the route that r matched, or "" if none.
func routeOf(r *http.Request) string {
	if route := infoOf(r.Context()).route; route != "" {
		return route
	}
	if route := mux.CurrentRoute(r); route != nil {
		tpl, _ := route.GetPathTemplate()
		return tpl
	}
	return ""
}

// maxRequestIDLen is the longest X-Request-ID accepted from a client; longer ones are replaced.
const maxRequestIDLen = 128

// withRequestID is middleware that gives each request an ID: the client's X-Request-ID if it is
// reasonable (printable ASCII without spaces, up to 128 characters), else a new UUID. The response
// echoes it.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			id = uuid.NewString()
		}
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), infoKey, &requestInfo{id: id})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}

// recordRoute is router middleware that notes the matched route's path template for the access log.
func recordRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if route := mux.CurrentRoute(r); route != nil {
			tmpl, _ := route.GetPathTemplate()
			infoOf(r.Context()).route = tmpl
			// The access log names the route of every read of a case (domain.WithRoute).
			r = r.WithContext(domain.WithRoute(r.Context(), r.Method+" "+tmpl))
		}
		next.ServeHTTP(w, r)
	})
}

// logRequests is middleware that logs every request: method, route template, status, duration,
// request ID and user ID. It never logs bodies, query strings or the concrete path (which may carry
// IDs). The probes /healthz and /readyz are logged at debug level.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := recorder(w)
		next.ServeHTTP(rec, r)

		info := infoOf(r.Context())
		level := zapcore.InfoLevel
		if info.route == "/healthz" || info.route == "/readyz" {
			level = zapcore.DebugLevel
		}
		ce := s.logger().Check(level, "http request")
		if ce == nil {
			return
		}
		userID := ""
		if info.user != nil {
			userID = info.user.ID
		}
		ce.Write(
			zap.String("method", r.Method),
			zap.String("route", info.route),
			zap.Int("status", rec.statusCode()),
			zap.Duration("duration", time.Since(start)),
			zap.String("requestId", info.id),
			zap.String("userId", userID),
		)
	})
}

// recoverPanics is middleware that turns a panic in a handler into a logged error and, if the
// response has not started, a 500 problem.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := recorder(w)
		defer func() {
			v := recover()
			if v == nil {
				return
			} else if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logger().Error("panic serving request",
				zap.Any("panic", v),
				zap.String("method", r.Method),
				zap.String("route", infoOf(r.Context()).route),
				zap.String("requestId", RequestIDFromContext(r.Context())),
				zap.Stack("stack"),
			)
			if rec.status != 0 {
				return // the response has started: nothing more can be said
			}
			lang := responseLanguage(r)
			s.writeProblemBody(rec, lang, problem{
				Type:      problemType(domain.EINTERNAL),
				Status:    http.StatusInternalServerError,
				Detail:    i18n.Translate(lang, msgInternal),
				Code:      domain.EINTERNAL,
				RequestID: RequestIDFromContext(r.Context()),
			})
		}()
		next.ServeHTTP(rec, r)
	})
}

// statusRecorder remembers the status of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// recorder returns w as a *statusRecorder, wrapping it if it is not one already.
func recorder(w http.ResponseWriter) *statusRecorder {
	if rec, ok := w.(*statusRecorder); ok {
		return rec
	}
	return &statusRecorder{ResponseWriter: w}
}

func (w *statusRecorder) WriteHeader(status int) {
	if w.status == 0 && status >= 200 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// statusCode returns the status sent, 200 if the handler wrote nothing.
func (w *statusRecorder) statusCode() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
