package embedtemporal

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	namespacepb "go.temporal.io/api/namespace/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/server/common/searchattribute/sadefs"
	"google.golang.org/protobuf/types/known/durationpb"
)

// namespaceRefresh is how often every service reloads namespaces from the database
// ("system.namespaceCacheRefreshInterval", 2s by default): a change made through the frontend
// reaches the others within it.
const namespaceRefresh = 2 * time.Second

func validateSearchAttributes(attrs map[string]enumspb.IndexedValueType) error {
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		typ := attrs[name]
		if name == "" {
			return fmt.Errorf("embedtemporal: search attribute with an empty name")
		}
		if sadefs.IsReserved(name) {
			return fmt.Errorf("embedtemporal: search attribute %s: the name is reserved by Temporal", name)
		}
		if _, ok := enumspb.IndexedValueType_name[int32(typ)]; !ok || typ == enumspb.INDEXED_VALUE_TYPE_UNSPECIFIED {
			return fmt.Errorf("embedtemporal: search attribute %s: invalid type %v", name, typ)
		}
	}
	return nil
}

// dialFrontend connects to the frontend at addr, retrying until it describes namespace or ctx ends.
func dialFrontend(ctx context.Context, addr, namespace string, logger sdklog.Logger) (client.Client, error) {
	var lastErr error
	for {
		c, err := client.DialContext(ctx, client.Options{HostPort: addr, Namespace: namespace, Logger: logger})
		if err == nil {
			_, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
			if err == nil {
				return c, nil
			}
			c.Close()
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("embedtemporal: frontend at %s is not serving namespace %s: %w (last error: %v)", addr, namespace, ctx.Err(), lastErr)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// reconcileNamespace gives an existing namespace the retention and the search attributes asked
// for. It changes nothing when they are already there.
func reconcileNamespace(ctx context.Context, c client.Client, namespace string, retention time.Duration, attrs map[string]enumspb.IndexedValueType) error {
	desc, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("embedtemporal: describing namespace %s: %w", namespace, err)
	}
	changed := false
	if desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration() != retention {
		_, err := c.WorkflowService().UpdateNamespace(ctx, &workflowservice.UpdateNamespaceRequest{
			Namespace: namespace,
			Config:    &namespacepb.NamespaceConfig{WorkflowExecutionRetentionTtl: durationpb.New(retention)},
		})
		if err != nil {
			return fmt.Errorf("embedtemporal: setting the retention of namespace %s to %v: %w", namespace, retention, err)
		}
		changed = true
	}

	list, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("embedtemporal: listing search attributes of namespace %s: %w", namespace, err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		have, ok := list.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing[name] = attrs[name]
		case have != attrs[name]:
			return fmt.Errorf("embedtemporal: search attribute %s is registered in namespace %s as %v, not %v (the type of a search attribute cannot change)",
				name, namespace, have, attrs[name])
		}
	}
	if len(missing) > 0 {
		// On SQL visibility this gives each name one of the database's preallocated columns of its
		// type; when they are all taken the error says so.
		_, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
			Namespace:        namespace,
			SearchAttributes: missing,
		})
		if err != nil {
			return fmt.Errorf("embedtemporal: adding search attributes %v to namespace %s: %w", slices.Sorted(maps.Keys(missing)), namespace, err)
		}
		changed = true
	}
	if !changed {
		return nil
	}
	return waitNamespaceLoaded(ctx, c, namespace, retention, attrs)
}

// waitNamespaceLoaded waits until the frontend's namespace cache shows the retention and the search
// attributes, and then for the other services' caches to load it too, so that a workflow started
// right after Start may use the new search attributes.
func waitNamespaceLoaded(ctx context.Context, c client.Client, namespace string, retention time.Duration, attrs map[string]enumspb.IndexedValueType) error {
	for {
		// WeakConsistency reads the frontend's cache instead of the database.
		desc, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{
			Namespace:       namespace,
			WeakConsistency: true,
		})
		if err == nil && namespaceMatches(desc, retention, attrs) {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("embedtemporal: waiting for the changes to namespace %s to load: %w", namespace, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	select {
	case <-ctx.Done():
		return fmt.Errorf("embedtemporal: waiting for the changes to namespace %s to load: %w", namespace, ctx.Err())
	case <-time.After(namespaceRefresh):
		return nil
	}
}

func namespaceMatches(desc *workflowservice.DescribeNamespaceResponse, retention time.Duration, attrs map[string]enumspb.IndexedValueType) bool {
	if desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration() != retention {
		return false
	}
	aliases := map[string]bool{}
	for _, alias := range desc.GetConfig().GetCustomSearchAttributeAliases() {
		aliases[alias] = true
	}
	for name := range attrs {
		if !aliases[name] {
			return false
		}
	}
	return true
}
