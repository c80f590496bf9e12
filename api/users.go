package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/password"
	"github.com/voc-project/voc/store"
)

type userCreateInput struct {
	Body struct {
		Email    string `json:"email" minLength:"3" maxLength:"254"`
		Name     string `json:"name" maxLength:"200"`
		Role     string `json:"role" enum:"admin,analyst,viewer"`
		Password string `json:"password" minLength:"10" maxLength:"256"`
	}
}

type userIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type userPatchInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Name     *string `json:"name,omitempty" maxLength:"200"`
		Role     *string `json:"role,omitempty" enum:"admin,analyst,viewer"`
		Disabled *bool   `json:"disabled,omitempty" doc:"a disabled user cannot sign in; their sessions end and their tokens stop working"`
		Password *string `json:"password,omitempty" minLength:"10" maxLength:"256" doc:"a new password; ends the user's sessions"`
	}
}

type userOutput struct {
	Status int
	Body   store.User
}

type userListOutput struct {
	Body struct {
		Items []store.User `json:"items"`
	}
}

type tokenCreateInput struct {
	Body struct {
		Name string `json:"name" minLength:"1" maxLength:"100" doc:"what the token is for, e.g. ci or the browser extension"`
	}
}

// CreatedToken is a new token with its secret, shown this once.
type CreatedToken struct {
	store.OwnedToken
	Secret string     `json:"secret" doc:"send as Authorization: Bearer <secret>; it is not stored and cannot be shown again"`
	Role   store.Role `json:"role" doc:"the token acts with its owner's role"`
}

type tokenCreateOutput struct {
	Status int
	Body   CreatedToken
}

type tokenListOutput struct {
	Body struct {
		Items []store.OwnedToken `json:"items"`
	}
}

type tokenIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

// validEmail checks an address loosely: one @, a dot in the domain, no
// display name.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

func (s *server) registerUserRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-users", Method: http.MethodGet, Path: "/api/v1/users",
		Summary: "List users (admins)", Tags: []string{"accounts"}, Errors: []int{401, 403},
	}, func(ctx context.Context, _ *struct{}) (*userListOutput, error) {
		us, err := store.UserList(ctx, s.Pool)
		if err != nil {
			return nil, s.storeError(ctx, "users", err)
		}
		out := &userListOutput{}
		out.Body.Items = us
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "create-user", Method: http.MethodPost, Path: "/api/v1/users",
		Summary:       "Create a user with a role (admins)",
		Description:   "Roles: `admin` (everything, including users, tokens, the audit log and River UI), `analyst` (uploads, runs and edits), `viewer` (reads and exports). Passwords have 10–256 characters and are stored as argon2id hashes.",
		Tags:          []string{"accounts"},
		DefaultStatus: http.StatusCreated,
		Errors:        []int{401, 403, 409, 422},
	}, func(ctx context.Context, in *userCreateInput) (*userOutput, error) {
		email := store.NormalizeEmail(in.Body.Email)
		var errs []error
		if !validEmail(email) {
			errs = append(errs, &huma.ErrorDetail{Location: "body.email", Message: "must be an email address such as ana@example.com", Value: in.Body.Email})
		}
		if err := password.Check(in.Body.Password); err != nil {
			errs = append(errs, &huma.ErrorDetail{Location: "body.password", Message: err.Error()})
		}
		role, err := store.ParseRole(in.Body.Role)
		if err != nil {
			errs = append(errs, &huma.ErrorDetail{Location: "body.role", Message: err.Error(), Value: in.Body.Role})
		}
		if len(errs) > 0 {
			return nil, huma.Error422UnprocessableEntity("invalid user", errs...)
		}
		u, err := store.UserCreate(ctx, s.Pool, email, in.Body.Name, role, password.Hash(in.Body.Password))
		if errors.Is(err, store.ErrConflict) {
			return nil, huma.Error409Conflict("a user with email " + email + " already exists")
		}
		if err != nil {
			return nil, s.storeError(ctx, "user", err)
		}
		auditAs(ctx, "user.create", fmt.Sprintf("user %d", u.ID), map[string]any{"email": u.Email, "role": u.Role})
		return &userOutput{Status: http.StatusCreated, Body: u}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-user", Method: http.MethodGet, Path: "/api/v1/users/{id}",
		Summary: "A user (admins)", Tags: []string{"accounts"}, Errors: []int{401, 403, 404},
	}, func(ctx context.Context, in *userIDInput) (*userOutput, error) {
		u, err := store.UserGet(ctx, s.Pool, in.ID)
		if err != nil {
			return nil, s.storeError(ctx, "user", err)
		}
		return &userOutput{Status: http.StatusOK, Body: u}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "update-user", Method: http.MethodPatch, Path: "/api/v1/users/{id}",
		Summary:     "Rename, change the role of, disable or enable a user, or set a new password (admins)",
		Description: "Disabling a user, or changing their role or password, ends their sessions at once. The last enabled admin cannot be demoted or disabled (409).",
		Tags:        []string{"accounts"},
		Errors:      []int{401, 403, 404, 409, 422},
	}, func(ctx context.Context, in *userPatchInput) (*userOutput, error) {
		c := store.UserChange{Name: in.Body.Name, Disabled: in.Body.Disabled}
		details := map[string]any{}
		if in.Body.Role != nil {
			role, err := store.ParseRole(*in.Body.Role)
			if err != nil {
				return nil, huma.Error422UnprocessableEntity("invalid change", &huma.ErrorDetail{Location: "body.role", Message: err.Error()})
			}
			c.Role = &role
			details["role"] = role
		}
		if in.Body.Password != nil {
			if err := password.Check(*in.Body.Password); err != nil {
				return nil, huma.Error422UnprocessableEntity("invalid change", &huma.ErrorDetail{Location: "body.password", Message: err.Error()})
			}
			h := password.Hash(*in.Body.Password)
			c.PasswordHash = &h
			details["password"] = "changed"
		}
		if in.Body.Name != nil {
			details["name"] = *in.Body.Name
		}
		if in.Body.Disabled != nil {
			details["disabled"] = *in.Body.Disabled
		}
		var u store.User
		err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
			var err error
			u, err = store.UserUpdate(ctx, tx, in.ID, c)
			return err
		})
		if errors.Is(err, store.ErrLastAdmin) {
			return nil, huma.Error409Conflict("this is the last enabled admin: make another user admin first")
		}
		if err != nil {
			return nil, s.storeError(ctx, "user", err)
		}
		auditAs(ctx, "user.update", fmt.Sprintf("user %d", u.ID), details)
		return &userOutput{Status: http.StatusOK, Body: u}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-tokens", Method: http.MethodGet, Path: "/api/v1/tokens",
		Summary: "Your API tokens (admins: every token)", Tags: []string{"accounts"}, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*tokenListOutput, error) {
		id, _ := identityFrom(ctx)
		out := &tokenListOutput{}
		var err error
		switch {
		case id.Role == store.RoleAdmin:
			out.Body.Items, err = store.TokenListOwned(ctx, s.Pool, nil)
		case id.UserID != nil:
			out.Body.Items, err = store.TokenListOwned(ctx, s.Pool, id.UserID)
		default:
			out.Body.Items = []store.OwnedToken{}
		}
		if err != nil {
			return nil, s.storeError(ctx, "tokens", err)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "create-token", Method: http.MethodPost, Path: "/api/v1/tokens",
		Summary:       "Create an API token of your own; its secret is shown once",
		Description:   "The token acts with your role, now and after any change of it, and stops working when your account is disabled.",
		Tags:          []string{"accounts"},
		DefaultStatus: http.StatusCreated,
		Errors:        []int{401, 403, 422},
	}, func(ctx context.Context, in *tokenCreateInput) (*tokenCreateOutput, error) {
		id, _ := identityFrom(ctx)
		if id.UserID == nil {
			return nil, huma.Error403Forbidden("only users own tokens: sign in as a user, or use `voc token create` for an installation token")
		}
		secret := store.NewTokenSecret()
		t, err := store.TokenCreateForUser(ctx, s.Pool, *id.UserID, strings.TrimSpace(in.Body.Name), secret)
		if err != nil {
			return nil, s.storeError(ctx, "token", err)
		}
		auditAs(ctx, "token.create", fmt.Sprintf("token %d", t.ID), map[string]any{"name": t.Name})
		return &tokenCreateOutput{Status: http.StatusCreated, Body: CreatedToken{OwnedToken: t, Secret: secret, Role: id.Role}}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "revoke-token", Method: http.MethodDelete, Path: "/api/v1/tokens/{id}",
		Summary:       "Revoke one of your tokens (admins: any token)",
		Tags:          []string{"accounts"},
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{401, 404},
	}, func(ctx context.Context, in *tokenIDInput) (*struct{}, error) {
		id, _ := identityFrom(ctx)
		var err error
		switch {
		case id.Role == store.RoleAdmin:
			err = store.TokenRevoke(ctx, s.Pool, in.ID)
		case id.UserID != nil:
			err = store.TokenRevokeOwned(ctx, s.Pool, *id.UserID, in.ID)
		default:
			err = store.ErrNotFound
		}
		if err != nil {
			return nil, s.storeError(ctx, "token", err)
		}
		auditAs(ctx, "token.revoke", fmt.Sprintf("token %d", in.ID), nil)
		return nil, nil
	})
}
