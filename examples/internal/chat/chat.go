package chat

import (
	"slices"
	"strings"
	"time"

	"github.com/socketeer/socketeer/errors"
	"github.com/socketeer/socketeer/namespace"
)

// MaxText is the longest message, in characters, that the chat accepts.
// The validate tags below say the same: a tag must be a constant.
const MaxText = 500

// Chat is the chat's namespace "/". Each On* method handles the event of
// its snake_case name: OnSendMessage handles "send_message".
type Chat struct {
	namespace.Namespace
	logf     func(format string, args ...any)
	recovery bool   // connection state recovery is on
	node     string // the node's name, shown in the page; "" on one node
}

// New returns the chat namespace, to register at "/". logf receives the
// handlers' errors. recovery says whether connection state recovery is on
// (app.Options.Recovery, with an adapter that recovers): then a lost
// connection is announced when its window ends, not at once. node names
// this server in the pages of a cluster ("" for none).
func New(logf func(format string, args ...any), recovery bool, node string) *Chat {
	return &Chat{logf: logf, recovery: recovery, node: node}
}

// Hello is the auth payload the page sends with every (re)connection.
type Hello struct {
	Nickname string `json:"nickname" validate:"max=32"`
}

// User identifies a connected person.
type User struct {
	ID       string `json:"id"`
	Nickname string `json:"nickname"`
}

// Welcome is sent to a socket when it connects.
type Welcome struct {
	ID       string `json:"id"`
	Nickname string `json:"nickname"`
	Users    []User `json:"users"`
	// Recovered is true when the socket came back after losing its
	// connection: it kept its id, rooms and nickname, and the messages sent
	// meanwhile reached it just before this welcome.
	Recovered bool `json:"recovered"`
	// Node is the name of the server the socket is connected to, in a
	// cluster.
	Node string `json:"node,omitempty"`
}

// Nickname is the payload of "set_nickname".
type Nickname struct {
	Nickname string `json:"nickname" validate:"required,max=32"`
}

// Room is the payload of "join", "leave" and "typing".
type Room struct {
	Room string `json:"room" validate:"required,max=64"`
}

// Message is the payload of "send_message": text for a room.
type Message struct {
	Room string `json:"room" validate:"required,max=64"`
	Text string `json:"text" validate:"required,max=500"`
}

// Private is the payload of "private_message": text for one socket.
type Private struct {
	To   string `json:"to" validate:"required"`
	Text string `json:"text" validate:"required,max=500"`
}

// Posted is a message as its recipients get it.
type Posted struct {
	Room string `json:"room,omitempty"`
	From User   `json:"from"`
	Text string `json:"text"`
	Time string `json:"time"`
}

// Delivered is the ack of a message: the page shows ✓ when it arrives.
type Delivered struct {
	Time string `json:"time"`
}

// user returns who s is.
func user(s *namespace.Socket) User {
	name, _ := namespace.Value[string](s, "nickname")
	return User{ID: s.ID(), Nickname: name}
}

func now() string { return time.Now().Format("15:04:05") }

// OnConnect names the socket from its auth payload, welcomes it with the
// list of people online, and tells everyone else. A recovered socket
// keeps its name, and nobody is told: for them it never left.
func (c *Chat) OnConnect(s *namespace.Socket, hello Hello) error {
	if !s.Recovered() {
		name := strings.TrimSpace(hello.Nickname)
		if name == "" {
			name = "guest-" + s.ID()[:4]
		}
		s.Set("nickname", name)
	}
	sockets, err := c.FetchSockets(s.Context())
	if err != nil {
		return err
	}
	users := make([]User, 0, len(sockets))
	for _, info := range sockets {
		if nick, ok := info.Data["nickname"].(string); ok {
			users = append(users, User{ID: info.ID, Nickname: nick})
		}
	}
	me := user(s)
	w := Welcome{ID: me.ID, Nickname: me.Nickname, Users: users, Recovered: s.Recovered(), Node: c.node}
	if err := s.Emit("welcome", w); err != nil || s.Recovered() {
		return err
	}
	return s.Broadcast().Emit("user_joined", me)
}

// OnDisconnect tells everyone who left and why; when the connection was
// only lost, the socket may come back within the recovery window, so
// OnRecoveryExpired tells them instead, if it does not.
func (c *Chat) OnDisconnect(s *namespace.Socket, reason string) {
	if c.recovery && mayRecover(reason) {
		return
	}
	left := user(s)
	c.Emit("user_left", map[string]string{"id": left.ID, "nickname": left.Nickname, "reason": reason})
}

// OnRecoveryExpired tells everyone that a socket which lost its connection
// did not come back in time.
func (c *Chat) OnRecoveryExpired(id string, data map[string]any) {
	name, _ := data["nickname"].(string)
	c.Emit("user_left", map[string]string{"id": id, "nickname": name, "reason": "connection lost"})
}

// mayRecover reports whether a socket that disconnected for reason keeps
// its state for recovery (docs/recovery.md lists these reasons).
func mayRecover(reason string) bool {
	switch reason {
	case "transport close", "transport error", "ping timeout", "forced close",
		"forced server close", "server shutting down":
		return true
	}
	return false
}

// OnSetNickname renames the socket.
func (c *Chat) OnSetNickname(s *namespace.Socket, n Nickname) (User, error) {
	old := user(s)
	s.Set("nickname", n.Nickname)
	err := c.Emit("nickname_changed", map[string]string{"id": s.ID(), "old": old.Nickname, "nickname": n.Nickname})
	return user(s), err
}

// OnJoin adds the socket to a room and tells the room.
func (c *Chat) OnJoin(s *namespace.Socket, r Room) (Room, error) {
	s.Join(r.Room)
	return r, s.To(r.Room).Emit("room_notice", map[string]string{
		"room": r.Room, "text": user(s).Nickname + " joined #" + r.Room,
	})
}

// OnLeave removes the socket from a room and tells the room.
func (c *Chat) OnLeave(s *namespace.Socket, r Room) (Room, error) {
	s.Leave(r.Room)
	return r, c.To(r.Room).Emit("room_notice", map[string]string{
		"room": r.Room, "text": user(s).Nickname + " left #" + r.Room,
	})
}

// OnSendMessage sends a message to the other sockets of its room. The
// returned value is the ack: the sender's page marks the message ✓.
func (c *Chat) OnSendMessage(s *namespace.Socket, m Message) (Delivered, error) {
	if !inRoom(s, m.Room) {
		return Delivered{}, errors.Client("join #"+m.Room+" first", map[string]string{"room": m.Room})
	}
	t := now()
	err := s.To(m.Room).Emit("room_message", Posted{Room: m.Room, From: user(s), Text: m.Text, Time: t})
	return Delivered{Time: t}, err
}

// OnPrivateMessage sends a message to one socket, by id, on any node.
func (c *Chat) OnPrivateMessage(s *namespace.Socket, p Private) (Delivered, error) {
	if !c.online(s, p.To) {
		return Delivered{}, errors.Client("nobody with that id is online", map[string]string{"to": p.To})
	}
	t := now()
	err := c.To(p.To).Emit("private_message", Posted{From: user(s), Text: p.Text, Time: t})
	return Delivered{Time: t}, err
}

// OnTyping tells the others in a room that this socket is typing. The
// notice is volatile: a client that cannot take it now misses nothing
// important.
func (c *Chat) OnTyping(s *namespace.Socket, r Room) error {
	if !inRoom(s, r.Room) {
		return nil
	}
	return s.To(r.Room).Volatile().Emit("typing", map[string]string{"room": r.Room, "id": s.ID(), "nickname": user(s).Nickname})
}

// OnError handles every error of this namespace's handlers: a failed
// validation, an errors.Client refusal, a panic. What it returns is the
// ack: {"error": {"code": "validation", "fields": [...]}} and the like,
// without internal error text.
func (c *Chat) OnError(s *namespace.Socket, event string, err error) any {
	if c.logf != nil {
		c.logf("chat: %s from %s: %v", event, s.ID(), err)
	}
	return errors.Wire(err, false)
}

// online reports whether the socket id is connected to this node or,
// in a cluster, to another.
func (c *Chat) online(s *namespace.Socket, id string) bool {
	if c.Socket(id) != nil {
		return true
	}
	found, _ := c.In(id).FetchSockets(s.Context()) // what the nodes that answered said
	return len(found) > 0
}

// inRoom reports whether s joined room.
func inRoom(s *namespace.Socket, room string) bool { return slices.Contains(s.Rooms(), room) }
