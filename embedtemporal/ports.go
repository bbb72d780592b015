package embedtemporal

import (
	"fmt"
	"net"
	"strconv"
)

// portSet holds listeners on the ports chosen for the server until release, so that a port
// asked for is known to be free and the ports picked are distinct.
type portSet struct {
	listeners []net.Listener
}

// take reserves port on ip, or a free port when port is 0, and returns its number. what names the
// port in the error.
func (p *portSet) take(ip string, port int, what string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		if port == 0 {
			return 0, fmt.Errorf("embedtemporal: no free %s port on %s: %w", what, ip, err)
		}
		return 0, fmt.Errorf("embedtemporal: %s port %d on %s is not free: %w", what, port, ip, err)
	}
	p.listeners = append(p.listeners, l)
	return l.Addr().(*net.TCPAddr).Port, nil
}

// release closes the listeners, so that the services can bind the ports. Another process could
// take one in between; the server then fails to start and says which address it could not bind.
func (p *portSet) release() {
	for _, l := range p.listeners {
		_ = l.Close()
	}
	p.listeners = nil
}
