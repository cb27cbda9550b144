package dispatch

// Transport names the transport the connection is on now, when its
// session says (engine sessions do).
func (c *client) Transport() string {
	if t, ok := c.sess.(interface{ Transport() string }); ok {
		return t.Transport()
	}
	return ""
}
