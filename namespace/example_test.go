package namespace_test

import (
	"context"
	"fmt"

	"github.com/socketeer/socketeer/app"
	"github.com/socketeer/socketeer/apptest"
	"github.com/socketeer/socketeer/namespace"
)

// Profile keeps each socket's user name in its session.
type Profile struct{ namespace.Namespace }

func (p *Profile) OnConnect(s *namespace.Socket, auth struct{ User string }) error {
	s.Set("user", auth.User)
	return nil
}

func (p *Profile) OnWhoami(s *namespace.Socket) (string, string) {
	user, _ := namespace.Value[string](s, "user")
	return user, s.Namespace().Name()
}

// A namespace struct embeds Namespace; registering it binds the embedded
// Namespace to the served path.
func ExampleNamespace() {
	p := &Profile{}
	a := app.New(app.Options{})
	if err := a.Register(p, "/profile"); err != nil {
		panic(err)
	}
	fmt.Println(p.Name())
	// Output:
	// /profile
}

// Set and Value keep per-socket data between events.
func ExampleValue() {
	a := app.New(app.Options{})
	a.Register(&Profile{}, "/profile")
	c, err := apptest.NewClient(a, "/profile", &apptest.Options{Auth: map[string]string{"User": "ann"}})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	reply, _ := c.EmitWithAck(context.Background(), "whoami")
	var user, nsp string
	reply.Decode(&user, &nsp)
	fmt.Println(user, nsp)
	// Output:
	// ann /profile
}
