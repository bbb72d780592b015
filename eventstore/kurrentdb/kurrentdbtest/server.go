// Package kurrentdbtest serves a test double of KurrentDB's gRPC API, backed by a domain.EventStore.
//
// The double exists so that CI, where no KurrentDB server runs, still exercises package kurrentdb's
// translation of the wire protocol through the real official client: options and proposed messages on
// append, UUID encodings, revisions and positions, the wrong-expected-version body, stream-not-found on
// read, and subscription confirmations, checkpoints and caught-up messages. It checks the adapter's
// translation, not KurrentDB's behaviour: the semantics behind the wire are those of the store it wraps
// (predmet's embedded SQLite store in the tests). The conformance suite against a real server runs when
// PREDMET_KURRENTDB_URL names one.
//
// It serves the v1 Streams service's Append and Read (stream reads, $all reads, and subscriptions to
// $all filtered by stream or event-type prefixes, or by the client's exclude-system-events regex) and
// ServerFeatures. Everything else (Delete, Tombstone, BatchAppend, stream subscriptions, filtered reads,
// other regexes, gossip, persistent subscriptions, projections, the v2 API) answers Unimplemented.
// It does not authenticate and serves plain text only (tls=false). It is for tests only.
package kurrentdbtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/serverfeatures"
	"github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/shared"
	"github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/streams"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/predmet/predmet/domain"
	"github.com/predmet/predmet/eventstore/sqlite"
)

// ServerVersion is the KurrentDB version the double claims to be.
const ServerVersion = "25.1.0"

// defaultSearchWindow is the server's search window when a filter asks for none (its read batch size).
const defaultSearchWindow = 32

// Metadata keys of a recorded event on the wire.
const (
	metadataType        = "type"
	metadataContentType = "content-type"
	metadataCreated     = "created"
)

// excludeSystemEventsRegex is the event-type regex of the client's ExcludeSystemEventsFilter.
const excludeSystemEventsRegex = `^[^\$].*`

// Server is a running double of a single KurrentDB node on a loopback port.
type Server struct {
	store    domain.EventStore
	listener net.Listener
	grpc     *grpc.Server
	done     chan struct{}
	once     sync.Once
}

// MustStart starts a Server backed by a new embedded SQLite store in tb's temporary directory and stops
// both when tb ends.
func MustStart(tb testing.TB) *Server {
	tb.Helper()
	store, err := sqlite.Open(tb.TempDir() + "/kurrentdbtest.db")
	if err != nil {
		tb.Fatalf("kurrentdbtest: open the SQLite store: %v", err)
	}
	s, err := Start(store)
	if err != nil {
		_ = store.Close()
		tb.Fatalf("kurrentdbtest: %v", err)
	}
	tb.Cleanup(func() {
		s.Close()
		if err := store.Close(); err != nil {
			tb.Errorf("kurrentdbtest: close the SQLite store: %v", err)
		}
	})
	return s
}

// Start serves the double on a free loopback port, backed by store. The caller closes store after the
// Server.
func Start(store domain.EventStore) (*Server, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return Serve(store, listener), nil
}

// Serve serves the double on listener, backed by store, until Close. The caller closes store after the
// Server.
func Serve(store domain.EventStore, listener net.Listener) *Server {
	s := &Server{store: store, listener: listener, grpc: grpc.NewServer(), done: make(chan struct{})}
	streams.RegisterStreamsServer(s.grpc, &streamsServer{store: store})
	serverfeatures.RegisterServerFeaturesServer(s.grpc, featuresServer{})
	go func() {
		defer close(s.done)
		_ = s.grpc.Serve(listener)
	}()
	return s
}

// Addr is the address the Server listens on.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// URL is the connection string of the Server for package kurrentdb's Open.
func (s *Server) URL() string { return "kurrentdb://" + s.Addr() + "?tls=false" }

// Close stops the Server, ending open calls and subscriptions.
func (s *Server) Close() {
	s.once.Do(func() {
		s.grpc.Stop()
		<-s.done
	})
}

// featuresServer answers the client's question on connect.
type featuresServer struct {
	serverfeatures.UnimplementedServerFeaturesServer
}

// GetSupportedMethods names the methods the double serves.
func (featuresServer) GetSupportedMethods(context.Context, *shared.Empty) (*serverfeatures.SupportedMethods, error) {
	return &serverfeatures.SupportedMethods{
		EventStoreServerVersion: ServerVersion,
		Methods: []*serverfeatures.SupportedMethod{
			{ServiceName: "event_store.client.streams.streams", MethodName: "read"},
			{ServiceName: "event_store.client.streams.streams", MethodName: "append"},
		},
	}, nil
}

// streamsServer translates the v1 Streams service to store calls.
type streamsServer struct {
	streams.UnimplementedStreamsServer
	store domain.EventStore
}

// Append takes the options message, then the proposed messages, and answers once the client closes.
func (s *streamsServer) Append(stream grpc.ClientStreamingServer[streams.AppendReq, streams.AppendResp]) error {
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	options := first.GetOptions()
	if options == nil {
		return status.Error(codes.InvalidArgument, "the first append message must be the options")
	}
	name := string(options.GetStreamIdentifier().GetStreamName())
	var expected domain.ExpectedRevision
	switch e := options.GetExpectedStreamRevision().(type) {
	case *streams.AppendReq_Options_Any:
		expected = domain.Any()
	case *streams.AppendReq_Options_NoStream:
		expected = domain.NoStream()
	case *streams.AppendReq_Options_StreamExists:
		expected = domain.StreamExists()
	case *streams.AppendReq_Options_Revision:
		expected = domain.Exact(e.Revision)
	default:
		return status.Error(codes.InvalidArgument, "the append options lack an expected stream revision")
	}

	var events []domain.EventData
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return err
		}
		msg := req.GetProposedMessage()
		if msg == nil {
			return status.Error(codes.InvalidArgument, "after the options, an append sends proposed messages only")
		}
		id, err := fromUUID(msg.GetId())
		if err != nil {
			return status.Errorf(codes.InvalidArgument, "event id: %v", err)
		}
		md := msg.GetMetadata()
		if md[metadataType] == "" {
			return status.Error(codes.InvalidArgument, "a proposed message needs a type")
		}
		events = append(events, domain.EventData{
			ID:          id.String(),
			Type:        md[metadataType],
			ContentType: md[metadataContentType],
			Data:        msg.GetData(),
			Metadata:    msg.GetCustomMetadata(),
		})
	}

	res, err := s.store.Append(stream.Context(), name, expected, events...)
	var wrong *domain.WrongExpectedRevisionError
	if errors.As(err, &wrong) {
		return stream.SendAndClose(&streams.AppendResp{Result: &streams.AppendResp_WrongExpectedVersion_{
			WrongExpectedVersion: wrongExpectedVersion(wrong),
		}})
	} else if err != nil {
		return statusError(err)
	}
	return stream.SendAndClose(&streams.AppendResp{Result: &streams.AppendResp_Success_{
		Success: &streams.AppendResp_Success{
			CurrentRevisionOption: &streams.AppendResp_Success_CurrentRevision{CurrentRevision: res.NextExpectedRevision},
			PositionOption: &streams.AppendResp_Success_Position{Position: &streams.AppendResp_Position{
				CommitPosition:  res.Position.Commit,
				PreparePosition: res.Position.Prepare,
			}},
		},
	}})
}

// wrongExpectedVersion fills both the current fields and the 20.6.0 ones, as the server does.
func wrongExpectedVersion(e *domain.WrongExpectedRevisionError) *streams.AppendResp_WrongExpectedVersion {
	w := &streams.AppendResp_WrongExpectedVersion{}
	if e.StreamExists {
		w.CurrentRevisionOption = &streams.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: e.Actual}
		w.CurrentRevisionOption_20_6_0 = &streams.AppendResp_WrongExpectedVersion_CurrentRevision_20_6_0{CurrentRevision_20_6_0: e.Actual}
	} else {
		w.CurrentRevisionOption = &streams.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
		w.CurrentRevisionOption_20_6_0 = &streams.AppendResp_WrongExpectedVersion_NoStream_20_6_0{NoStream_20_6_0: &shared.Empty{}}
	}
	switch e.Expected.Kind {
	case domain.ExpectAny:
		w.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}}
		w.ExpectedRevisionOption_20_6_0 = &streams.AppendResp_WrongExpectedVersion_Any_20_6_0{Any_20_6_0: &shared.Empty{}}
	case domain.ExpectNoStream:
		w.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: &shared.Empty{}}
		// 20.6.0 had no "no stream" expectation; it sent revision -1.
		w.ExpectedRevisionOption_20_6_0 = &streams.AppendResp_WrongExpectedVersion_ExpectedRevision_20_6_0{ExpectedRevision_20_6_0: ^uint64(0)}
	case domain.ExpectStreamExists:
		w.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: &shared.Empty{}}
		w.ExpectedRevisionOption_20_6_0 = &streams.AppendResp_WrongExpectedVersion_StreamExists_20_6_0{StreamExists_20_6_0: &shared.Empty{}}
	default:
		w.ExpectedRevisionOption = &streams.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: e.Expected.Revision}
		w.ExpectedRevisionOption_20_6_0 = &streams.AppendResp_WrongExpectedVersion_ExpectedRevision_20_6_0{ExpectedRevision_20_6_0: e.Expected.Revision}
	}
	return w
}

// Read serves a stream read, a $all read or a subscription to $all.
func (s *streamsServer) Read(req *streams.ReadReq, stream grpc.ServerStreamingServer[streams.ReadResp]) error {
	options := req.GetOptions()
	if options == nil {
		return status.Error(codes.InvalidArgument, "a read needs options")
	}
	enc := encoder{structured: options.GetUuidOption().GetString_() == nil}
	switch count := options.GetCountOption().(type) {
	case *streams.ReadReq_Options_Count:
		if options.GetFilter() != nil {
			return status.Error(codes.Unimplemented, "the double does not serve filtered reads")
		}
		switch target := options.GetStreamOption().(type) {
		case *streams.ReadReq_Options_Stream:
			return s.readStream(target.Stream, options.GetReadDirection(), count.Count, enc, stream)
		case *streams.ReadReq_Options_All:
			return s.readAll(target.All, options.GetReadDirection(), count.Count, enc, stream)
		}
		return status.Error(codes.InvalidArgument, "a read needs a stream or $all")
	case *streams.ReadReq_Options_Subscription:
		all := options.GetAll()
		if all == nil {
			return status.Error(codes.Unimplemented, "the double serves subscriptions to $all only")
		}
		return s.subscribe(all, options, enc, stream)
	}
	return status.Error(codes.InvalidArgument, "a read needs a count or a subscription")
}

func (s *streamsServer) readStream(o *streams.ReadReq_Options_StreamOptions, dir streams.ReadReq_Options_ReadDirection, count uint64, enc encoder, stream grpc.ServerStreamingServer[streams.ReadResp]) error {
	if count == 0 {
		return nil // on the wire 0 means none; in the store it means all
	}
	opts := domain.ReadStreamOptions{Direction: direction(dir), Max: count}
	switch r := o.GetRevisionOption().(type) {
	case *streams.ReadReq_Options_StreamOptions_Revision:
		opts.From = r.Revision
	case *streams.ReadReq_Options_StreamOptions_End:
		opts.FromEnd = true
	}
	events, err := s.store.ReadStream(stream.Context(), string(o.GetStreamIdentifier().GetStreamName()), opts)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return stream.Send(&streams.ReadResp{Content: &streams.ReadResp_StreamNotFound_{
			StreamNotFound: &streams.ReadResp_StreamNotFound{StreamIdentifier: o.GetStreamIdentifier()},
		}})
	} else if err != nil {
		return statusError(err)
	}
	return sendEvents(stream, events, enc)
}

// readAll reads forwards from a position inclusively and backwards from just before it, as the server does.
func (s *streamsServer) readAll(o *streams.ReadReq_Options_AllOptions, dir streams.ReadReq_Options_ReadDirection, count uint64, enc encoder, stream grpc.ServerStreamingServer[streams.ReadResp]) error {
	if count == 0 {
		return nil
	}
	opts := domain.ReadAllOptions{Direction: direction(dir), Max: count}
	var before *domain.Position
	switch p := o.GetAllOption().(type) {
	case *streams.ReadReq_Options_AllOptions_Start:
		if opts.Direction == domain.Backwards {
			return nil
		}
	case *streams.ReadReq_Options_AllOptions_End:
		if opts.Direction == domain.Forwards {
			return nil
		}
	case *streams.ReadReq_Options_AllOptions_Position:
		from := domain.Position{Commit: p.Position.GetCommitPosition(), Prepare: p.Position.GetPreparePosition()}
		opts.From = &from
		if opts.Direction == domain.Backwards {
			before, opts.Max = &from, count+1
		}
	}
	events, err := s.store.ReadAll(stream.Context(), opts)
	if err != nil {
		return statusError(err)
	}
	if before != nil {
		kept := events[:0]
		for _, e := range events {
			if e.Position.Less(*before) && uint64(len(kept)) < count {
				kept = append(kept, e)
			}
		}
		events = kept
	}
	return sendEvents(stream, events, enc)
}

// subscribe confirms, then relays the store's subscription: events, checkpoints (for filtered
// subscriptions only, as the server sends them) and caught-up.
func (s *streamsServer) subscribe(o *streams.ReadReq_Options_AllOptions, options *streams.ReadReq_Options, enc encoder, stream grpc.ServerStreamingServer[streams.ReadResp]) error {
	ctx := stream.Context()
	opts := domain.SubscribeAllOptions{}
	switch p := o.GetAllOption().(type) {
	case *streams.ReadReq_Options_AllOptions_Position:
		opts.From = &domain.Position{Commit: p.Position.GetCommitPosition(), Prepare: p.Position.GetPreparePosition()}
	case *streams.ReadReq_Options_AllOptions_End:
		last, err := s.store.ReadAll(ctx, domain.ReadAllOptions{Direction: domain.Backwards, Max: 1})
		if err != nil {
			return statusError(err)
		}
		if len(last) == 1 {
			opts.From = &last[0].Position
		}
	}
	filtered := false
	if f := options.GetFilter(); f != nil {
		filter, interval, err := subscriptionFilter(f)
		if err != nil {
			return err
		}
		opts.Filter, opts.CheckpointInterval, filtered = filter, interval, true
	}

	sub, err := s.store.SubscribeAll(ctx, opts)
	if err != nil {
		return statusError(err)
	}
	defer sub.Close()
	if err := stream.Send(&streams.ReadResp{Content: &streams.ReadResp_Confirmation{
		Confirmation: &streams.ReadResp_SubscriptionConfirmation{SubscriptionId: uuid.NewString()},
	}}); err != nil {
		return err
	}

	last := opts.From // for the caught-up message
	for {
		msg, err := sub.Recv()
		if err != nil {
			if ctx.Err() != nil {
				return status.FromContextError(ctx.Err()).Err()
			}
			return statusError(err)
		}
		var resp *streams.ReadResp
		switch {
		case msg.Event != nil:
			last = &msg.Event.Position
			resp = &streams.ReadResp{Content: &streams.ReadResp_Event{Event: enc.readEvent(msg.Event)}}
		case msg.Checkpoint != nil:
			last = msg.Checkpoint
			if !filtered {
				continue
			}
			resp = &streams.ReadResp{Content: &streams.ReadResp_Checkpoint_{Checkpoint: &streams.ReadResp_Checkpoint{
				CommitPosition:  msg.Checkpoint.Commit,
				PreparePosition: msg.Checkpoint.Prepare,
				Timestamp:       timestamppb.Now(),
			}}}
		case msg.CaughtUp:
			caughtUp := &streams.ReadResp_CaughtUp{Timestamp: timestamppb.Now()}
			if last != nil {
				caughtUp.Position = &streams.ReadResp_Position{CommitPosition: last.Commit, PreparePosition: last.Prepare}
			}
			resp = &streams.ReadResp{Content: &streams.ReadResp_CaughtUp_{CaughtUp: caughtUp}}
		default:
			continue
		}
		if err := stream.Send(resp); err != nil {
			return err
		}
	}
}

// subscriptionFilter maps a wire filter to the store's, with its checkpoint interval: the server
// checkpoints every search window × multiplier events it scans.
func subscriptionFilter(f *streams.ReadReq_Options_FilterOptions) (domain.SubscriptionFilter, int, error) {
	window := uint32(defaultSearchWindow)
	if w, ok := f.GetWindow().(*streams.ReadReq_Options_FilterOptions_Max); ok && w.Max > 0 {
		window = w.Max
	}
	interval := int(window) * int(max(f.GetCheckpointIntervalMultiplier(), 1))

	var filter domain.SubscriptionFilter
	var expr *streams.ReadReq_Options_FilterOptions_Expression
	byType := false
	switch e := f.GetFilter().(type) {
	case *streams.ReadReq_Options_FilterOptions_StreamIdentifier:
		expr = e.StreamIdentifier
	case *streams.ReadReq_Options_FilterOptions_EventType:
		expr, byType = e.EventType, true
	default:
		return filter, 0, status.Error(codes.InvalidArgument, "a filter needs a stream or an event-type expression")
	}
	switch {
	case len(expr.GetPrefix()) > 0 && expr.GetRegex() != "":
		return filter, 0, status.Error(codes.InvalidArgument, "a filter has prefixes or a regex, not both")
	case len(expr.GetPrefix()) > 0 && byType:
		filter.EventTypePrefixes = expr.GetPrefix()
	case len(expr.GetPrefix()) > 0:
		filter.StreamPrefixes = expr.GetPrefix()
	case byType && expr.GetRegex() == excludeSystemEventsRegex:
		// The store's empty filter: every event that is not a system event.
	default:
		return filter, 0, status.Errorf(codes.Unimplemented, "the double does not serve the regex %q", expr.GetRegex())
	}
	return filter, interval, nil
}

func sendEvents(stream grpc.ServerStreamingServer[streams.ReadResp], events []domain.RecordedEvent, enc encoder) error {
	for i := range events {
		if err := stream.Send(&streams.ReadResp{Content: &streams.ReadResp_Event{Event: enc.readEvent(&events[i])}}); err != nil {
			return err
		}
	}
	return nil
}

// encoder writes recorded events in the UUID encoding the client asked for.
type encoder struct{ structured bool }

func (enc encoder) readEvent(e *domain.RecordedEvent) *streams.ReadResp_ReadEvent {
	return &streams.ReadResp_ReadEvent{
		Event: &streams.ReadResp_ReadEvent_RecordedEvent{
			Id:               enc.uuid(e.ID),
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(e.Stream)},
			StreamRevision:   e.Revision,
			PreparePosition:  e.Position.Prepare,
			CommitPosition:   e.Position.Commit,
			Metadata: map[string]string{
				metadataType:        e.Type,
				metadataContentType: e.ContentType,
				metadataCreated:     strconv.FormatInt(ticks(e.Created), 10),
			},
			CustomMetadata: e.Metadata,
			Data:           e.Data,
		},
		Position: &streams.ReadResp_ReadEvent_CommitPosition{CommitPosition: e.Position.Commit},
	}
}

func (enc encoder) uuid(id string) *shared.UUID {
	u, err := uuid.Parse(id)
	if !enc.structured || err != nil {
		return &shared.UUID{Value: &shared.UUID_String_{String_: id}}
	}
	most, least := uint64(0), uint64(0)
	for i := range 8 {
		most = most<<8 | uint64(u[i])
		least = least<<8 | uint64(u[8+i])
	}
	return &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{
		MostSignificantBits:  int64(most),
		LeastSignificantBits: int64(least),
	}}}
}

// fromUUID decodes a wire UUID in either encoding.
func fromUUID(id *shared.UUID) (uuid.UUID, error) {
	switch v := id.GetValue().(type) {
	case *shared.UUID_Structured_:
		var u uuid.UUID
		most, least := uint64(v.Structured.GetMostSignificantBits()), uint64(v.Structured.GetLeastSignificantBits())
		for i := 7; i >= 0; i-- {
			u[i], u[8+i] = byte(most), byte(least)
			most, least = most>>8, least>>8
		}
		return u, nil
	case *shared.UUID_String_:
		return uuid.Parse(v.String_)
	}
	return uuid.Nil, errors.New("missing")
}

// ticks is t in .NET ticks (100 ns) since the Unix epoch, as the server writes "created".
func ticks(t time.Time) int64 { return t.UnixNano() / 100 }

func direction(d streams.ReadReq_Options_ReadDirection) domain.Direction {
	if d == streams.ReadReq_Options_Backwards {
		return domain.Backwards
	}
	return domain.Forwards
}

// statusError maps a store error to the gRPC status the server would send.
func statusError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return status.FromContextError(err).Err()
	}
	code := codes.Unknown
	switch domain.ErrorCode(err) {
	case domain.EINVALID:
		code = codes.InvalidArgument
	case domain.ENOTFOUND:
		code = codes.NotFound
	case domain.EUNAVAILABLE:
		code = codes.Unavailable
	case domain.ETOOLARGE:
		code = codes.ResourceExhausted
	case domain.EUNAUTHORIZED:
		code = codes.Unauthenticated
	case domain.EFORBIDDEN:
		code = codes.PermissionDenied
	}
	return status.Error(code, err.Error())
}
