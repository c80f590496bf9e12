package api

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/voc-project/voc/password"
	"github.com/voc-project/voc/store"
)

// Default lifetimes and login throttling.
const (
	DefaultSessionTTL       = 12 * time.Hour
	DefaultAccessTokenTTL   = 30 * 24 * time.Hour
	maxLoginEmailCharacters = 254
)

// DefaultAccountThrottle locks an account after 5 failed logins in 15
// minutes, 2 s at first, doubling per further failure up to 15 minutes.
var DefaultAccountThrottle = store.Throttle{Window: 15 * time.Minute, Threshold: 5, Base: 2 * time.Second, Cap: 15 * time.Minute}

// DefaultAddressThrottle does the same per client address from 20 failures,
// so one address cannot try many accounts either.
var DefaultAddressThrottle = store.Throttle{Window: 15 * time.Minute, Threshold: 20, Base: 2 * time.Second, Cap: 15 * time.Minute}

// SessionUser is the signed-in user as the web app and the extension see
// it.
type SessionUser struct {
	ID      int64      `json:"id"`
	Email   string     `json:"email"`
	Name    string     `json:"name"`
	Role    store.Role `json:"role" enum:"admin,analyst,viewer"`
	IsAdmin bool       `json:"is_admin"`
}

func sessionUser(u store.User) *SessionUser {
	return &SessionUser{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, IsAdmin: u.Role == store.RoleAdmin}
}

func identityUser(id store.Identity) *SessionUser {
	if id.UserID == nil {
		return nil
	}
	return &SessionUser{ID: *id.UserID, Email: id.Email, Name: id.Name, Role: id.Role, IsAdmin: id.Role == store.RoleAdmin}
}

type loginBody struct {
	Email    string `json:"email,omitempty" maxLength:"254" doc:"with password: sign in as a user"`
	Password string `json:"password,omitempty" maxLength:"256"`
	Token    string `json:"token,omitempty" maxLength:"200" doc:"instead of email and password: sign in with an API token"`
}

type sessionLoginInput struct {
	Body loginBody
}

// SessionInfo is the answer to a web sign-in.
type SessionInfo struct {
	User      *SessionUser `json:"user" doc:"null when signed in with an installation API token"`
	Name      string       `json:"name"`
	Role      store.Role   `json:"role" enum:"admin,analyst,viewer"`
	IsAdmin   bool         `json:"is_admin"`
	ExpiresAt time.Time    `json:"expires_at"`
	Language  string       `json:"language" doc:"the web app language the user chose (zh, en); empty when not chosen yet or for an installation token"`
}

type sessionLoginOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      SessionInfo
}

type logoutOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
}

type extLoginInput struct {
	Body struct {
		Email    string `json:"email" maxLength:"254"`
		Password string `json:"password" maxLength:"256"`
	}
}

// ExtensionLogin is the browser extension's login answer, in the shape the
// extension reads.
type ExtensionLogin struct {
	Success     bool         `json:"success"`
	AccessToken string       `json:"access_token"`
	TokenType   string       `json:"token_type" enum:"bearer"`
	ExpiresAt   time.Time    `json:"expires_at"`
	User        *SessionUser `json:"user"`
}

type extLoginOutput struct {
	Body ExtensionLogin
}

// Verify is the answer of GET /api/v1/auth/verify.
type Verify struct {
	Valid bool         `json:"valid"`
	User  *SessionUser `json:"user" doc:"null when not valid or for an installation token"`
	Role  store.Role   `json:"role,omitempty"`
}

type verifyOutput struct {
	Body Verify
}

type meOutput struct {
	Body struct {
		store.Identity
		User     *SessionUser `json:"user"`
		Language string       `json:"language" doc:"the web app language the user chose (zh, en); empty when not chosen yet or for an installation token"`
	}
}

type meUpdateInput struct {
	Body struct {
		Language string `json:"language,omitempty" doc:"the web app language to remember for this user: zh or en"`
	}
}

// userLanguage is the language the identity's user chose, "" for none or
// for a token without a user.
func (s *server) userLanguage(ctx context.Context, id store.Identity) (string, error) {
	if id.UserID == nil {
		return "", nil
	}
	l, err := store.UserLanguage(ctx, s.Pool, *id.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return l, err
}

func (s *server) registerSessionRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "create-session",
		Method:      http.MethodPost,
		Path:        "/api/v1/session",
		Summary:     "Sign in: set the session cookie",
		Description: "Send `{\"email\", \"password\"}` (or `{\"token\"}` with an API token). The answer sets an HttpOnly, " +
			"SameSite=Lax session cookie (Secure over TLS). The session lives server-side and ends with DELETE /api/v1/session. " +
			"Failed sign-ins are throttled per account and per client address (429 with Retry-After).",
		Tags:     []string{"accounts"},
		Security: []map[string][]string{},
		Errors:   []int{400, 401, 403, 422, 429},
	}, func(ctx context.Context, in *sessionLoginInput) (*sessionLoginOutput, error) {
		ri := infoFrom(ctx)
		var id store.Identity
		var userID, tokenID *int64
		switch {
		case in.Body.Token != "" && in.Body.Email == "":
			var err error
			id, err = store.TokenIdentity(ctx, s.Pool, in.Body.Token)
			if errors.Is(err, store.ErrNotFound) {
				s.Log.WarnContext(ctx, "token sign-in failed", "client_addr", ri.clientAddr)
				return nil, huma.Error401Unauthorized("invalid or revoked token")
			}
			if err != nil {
				return nil, s.storeError(ctx, "token", err)
			}
			tokenID = id.TokenID
		case in.Body.Email != "" && in.Body.Password != "":
			u, err := s.checkPassword(ctx, in.Body.Email, in.Body.Password)
			if err != nil {
				return nil, err
			}
			id = store.Identity{UserID: &u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
			userID = &u.ID
		default:
			return nil, huma.Error422UnprocessableEntity(`send {"email": "...", "password": "..."} or {"token": "..."}`)
		}
		secret := store.NewSessionSecret()
		exp, err := store.SessionCreate(ctx, s.Pool, secret, store.SessionCookie, userID, tokenID, ri.clientAddr, s.SessionTTL)
		if err != nil {
			return nil, s.storeError(ctx, "session", err)
		}
		s.sweepSessions(ctx)
		lang, err := s.userLanguage(ctx, id)
		if err != nil {
			return nil, s.storeError(ctx, "user", err)
		}
		ri.identity = &id // the audit entry names who signed in
		auditAs(ctx, "session.create", "", nil)
		return &sessionLoginOutput{
			SetCookie: http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
				Secure: ri.tls, Expires: exp},
			Body: SessionInfo{User: identityUser(id), Name: id.Name, Role: id.Role, IsAdmin: id.Role == store.RoleAdmin, ExpiresAt: exp,
				Language: lang},
		}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID:   "delete-session",
		Method:        http.MethodDelete,
		Path:          "/api/v1/session",
		Summary:       "Sign out: end the session server-side and clear the cookie",
		Description:   "Ends the session of the cookie, or the access_token sent as a bearer token (from /api/v1/auth/login).",
		Tags:          []string{"accounts"},
		Security:      []map[string][]string{},
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{403},
	}, func(ctx context.Context, _ *struct{}) (*logoutOutput, error) {
		ri := infoFrom(ctx)
		var secrets []string
		if ri.cookieSecret != "" {
			secrets = append(secrets, ri.cookieSecret)
		}
		if strings.HasPrefix(ri.bearerSecret, "vocs_") {
			secrets = append(secrets, ri.bearerSecret)
		}
		for _, secret := range secrets {
			ended, err := store.SessionDelete(ctx, s.Pool, secret)
			if err != nil {
				return nil, s.storeError(ctx, "session", err)
			}
			if ended {
				auditAs(ctx, "session.delete", "", nil)
			}
		}
		return &logoutOutput{SetCookie: http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1,
			SameSite: http.SameSiteLaxMode, Secure: ri.tls}}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "extension-login",
		Method:      http.MethodPost,
		Path:        "/api/v1/auth/login",
		Summary:     "Sign in from the browser extension: get an access token",
		Description: "Answers `{\"success\": true, \"access_token\", \"token_type\": \"bearer\", \"user\": {\"id\", \"email\", \"name\", \"is_admin\"}}`. " +
			"The access token is a server-side session (30 days by default) sent as `Authorization: Bearer`; DELETE /api/v1/session with it ends it. " +
			"Throttled like POST /api/v1/session.",
		Tags:     []string{"accounts"},
		Security: []map[string][]string{},
		Errors:   []int{400, 401, 403, 422, 429},
	}, func(ctx context.Context, in *extLoginInput) (*extLoginOutput, error) {
		if in.Body.Email == "" || in.Body.Password == "" {
			return nil, huma.Error422UnprocessableEntity(`send {"email": "...", "password": "..."}`)
		}
		u, err := s.checkPassword(ctx, in.Body.Email, in.Body.Password)
		if err != nil {
			return nil, err
		}
		ri := infoFrom(ctx)
		secret := store.NewSessionSecret()
		exp, err := store.SessionCreate(ctx, s.Pool, secret, store.SessionBearer, &u.ID, nil, ri.clientAddr, s.AccessTokenTTL)
		if err != nil {
			return nil, s.storeError(ctx, "session", err)
		}
		s.sweepSessions(ctx)
		ri.identity = &store.Identity{UserID: &u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
		auditAs(ctx, "session.create", "", map[string]any{"kind": store.SessionBearer})
		return &extLoginOutput{Body: ExtensionLogin{Success: true, AccessToken: secret, TokenType: "bearer", ExpiresAt: exp, User: sessionUser(u)}}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "extension-verify",
		Method:      http.MethodGet,
		Path:        "/api/v1/auth/verify",
		Summary:     "Check a token: {\"valid\": bool, \"user\": {...} | null}",
		Description: "Always 200: without valid credentials it answers `{\"valid\": false, \"user\": null}`.",
		Tags:        []string{"accounts"},
		Security:    []map[string][]string{},
	}, func(ctx context.Context, _ *struct{}) (*verifyOutput, error) {
		id, ok := identityFrom(ctx)
		if !ok {
			return &verifyOutput{Body: Verify{Valid: false}}, nil
		}
		return &verifyOutput{Body: Verify{Valid: true, User: identityUser(id), Role: id.Role}}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-me",
		Method:      http.MethodGet,
		Path:        "/api/v1/me",
		Summary:     "Who the request acts as, and with which role",
		Tags:        []string{"accounts"},
		Errors:      []int{401},
	}, func(ctx context.Context, _ *struct{}) (*meOutput, error) {
		id, _ := identityFrom(ctx)
		out := &meOutput{}
		out.Body.Identity, out.Body.User = id, identityUser(id)
		var err error
		if out.Body.Language, err = s.userLanguage(ctx, id); err != nil {
			return nil, s.storeError(ctx, "user", err)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "update-me",
		Method:      http.MethodPatch,
		Path:        "/api/v1/me",
		Summary:     "Remember the signed-in user's web app language",
		Description: "Send `{\"language\": \"zh\"}` or `{\"language\": \"en\"}`. The web app applies it at every sign-in, in any " +
			"browser. 400 for another value, or when the request acts as an installation token, which has no user.",
		Tags:   []string{"accounts"},
		Errors: []int{400, 401},
	}, func(ctx context.Context, in *meUpdateInput) (*meOutput, error) {
		id, _ := identityFrom(ctx)
		if !slices.Contains(store.UserLanguages, in.Body.Language) {
			return nil, huma.Error400BadRequest(fmt.Sprintf(`language must be "zh" or "en", not %q`, in.Body.Language))
		}
		if id.UserID == nil {
			return nil, huma.Error400BadRequest("this request acts as an installation API token, which has no user to remember a language for; sign in as a user")
		}
		if err := store.UserSetLanguage(ctx, s.Pool, *id.UserID, in.Body.Language); err != nil {
			return nil, s.storeError(ctx, "user", err)
		}
		auditAs(ctx, "user.language", fmt.Sprintf("user %d", *id.UserID), map[string]any{"language": in.Body.Language})
		out := &meOutput{}
		out.Body.Identity, out.Body.User, out.Body.Language = id, identityUser(id), in.Body.Language
		return out, nil
	})
}

// checkPassword signs a user in by email and password, throttled per
// account and per client address. Every failure is logged with the client
// address. It returns the user or a problem: 429 while locked, 401 for a
// wrong email or password, 403 for a disabled account.
func (s *server) checkPassword(ctx context.Context, email, pw string) (store.User, error) {
	ri := infoFrom(ctx)
	email = store.NormalizeEmail(email)
	if len([]rune(email)) > maxLoginEmailCharacters || len([]rune(pw)) > password.MaxLength {
		return store.User{}, huma.Error422UnprocessableEntity("email or password too long")
	}
	keys := []string{"account:" + email, "addr:" + ri.clientAddr}
	until, err := store.ThrottleLockedUntil(ctx, s.Pool, keys)
	if err != nil {
		return store.User{}, s.storeError(ctx, "login", err)
	}
	if !until.IsZero() {
		s.Log.WarnContext(ctx, "login refused: throttled", "email", email, "client_addr", ri.clientAddr, "locked_until", until)
		return store.User{}, tooManyLogins(until)
	}
	u, hash, err := store.UserCredentials(ctx, s.Pool, email)
	ok := false
	switch {
	case errors.Is(err, store.ErrNotFound):
		password.Waste(pw)
	case err != nil:
		return store.User{}, s.storeError(ctx, "login", err)
	default:
		ok, err = password.Verify(pw, hash)
		if err != nil {
			s.Log.ErrorContext(ctx, "stored password hash unreadable", "user_id", u.ID, "error", err)
			ok = false
		}
	}
	if !ok {
		var lock time.Time
		failures := 0
		for i, p := range []store.Throttle{s.AccountThrottle, s.AddressThrottle} {
			n, l, err := store.ThrottleFail(ctx, s.Pool, keys[i], p)
			if err != nil {
				return store.User{}, s.storeError(ctx, "login", err)
			}
			failures = max(failures, n)
			if l.After(lock) {
				lock = l
			}
		}
		s.Log.WarnContext(ctx, "login failed", "email", email, "client_addr", ri.clientAddr, "failures", failures, "locked_until", lock)
		return store.User{}, huma.Error401Unauthorized("wrong email or password")
	}
	if u.Disabled {
		s.Log.WarnContext(ctx, "login refused: account disabled", "user_id", u.ID, "client_addr", ri.clientAddr)
		return store.User{}, huma.Error403Forbidden("this account is disabled; ask an admin")
	}
	if err := store.ThrottleClear(ctx, s.Pool, keys[0]); err != nil {
		return store.User{}, s.storeError(ctx, "login", err)
	}
	s.Log.InfoContext(ctx, "login", "user_id", u.ID, "client_addr", ri.clientAddr)
	return u, nil
}

func tooManyLogins(until time.Time) error {
	secs := int(math.Ceil(time.Until(until).Seconds()))
	secs = max(secs, 1)
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(secs))
	return huma.ErrorWithHeaders(huma.Error429TooManyRequests(fmt.Sprintf("too many failed sign-ins: try again in %d s", secs)), h)
}

// sweepSessions deletes expired sessions; sign-ins are rare enough to pay
// for it, so no background loop is needed.
func (s *server) sweepSessions(ctx context.Context) {
	if _, err := store.SessionDeleteExpired(ctx, s.Pool); err != nil {
		s.Log.WarnContext(ctx, "delete expired sessions", "error", err)
	}
}
