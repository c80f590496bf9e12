package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/voc-project/voc/password"
	"github.com/voc-project/voc/store"
)

// readPassword reads one line from r: the password, without its line end.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := password.Check(pw); err != nil {
		return "", err
	}
	return pw, nil
}

func userCmd(cfg *Config) *cobra.Command {
	root := &cobra.Command{Use: "user", Short: "Manage user accounts (admin, analyst, viewer)"}
	var email, name, role string
	var stdin bool
	create := &cobra.Command{
		Use:   "create --email E --name N --role R --password-stdin",
		Short: "Create a user; the password is read from stdin",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !stdin {
				return errors.New("pass --password-stdin and send the password on stdin (it never goes in an argument)")
			}
			r, err := store.ParseRole(role)
			if err != nil {
				return err
			}
			pw, err := readPassword(cmd.InOrStdin())
			if err != nil {
				return err
			}
			a, err := openApp(cmd.Context(), cfg, true)
			if err != nil {
				return err
			}
			defer a.close()
			u, err := store.UserCreate(cmd.Context(), a.pool, email, name, r, password.Hash(pw))
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("a user with email %s already exists", store.NormalizeEmail(email))
			}
			if err != nil {
				return err
			}
			if err := store.AuditRecord(cmd.Context(), a.pool, store.AuditEntry{Actor: "cli", Action: "user.create",
				Target: fmt.Sprintf("user %d", u.ID), Details: map[string]any{"email": u.Email, "role": u.Role}}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "user %d created: %s (%s)\n", u.ID, u.Email, u.Role)
			return nil
		},
	}
	create.Flags().StringVar(&email, "email", "", "email, the sign-in name")
	create.Flags().StringVar(&name, "name", "", "display name")
	create.Flags().StringVar(&role, "role", "analyst", "admin, analyst or viewer")
	create.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from stdin")
	_ = create.MarkFlagRequired("email")

	list := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := openApp(cmd.Context(), cfg, false)
			if err != nil {
				return err
			}
			defer a.close()
			us, err := store.UserList(cmd.Context(), a.pool)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tDISABLED\tCREATED")
			for _, u := range us {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%v\t%s\n", u.ID, u.Email, u.Name, u.Role, u.Disabled, u.CreatedAt.Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	setDisabled := func(use, short string, disabled bool) *cobra.Command {
		return &cobra.Command{
			Use:   use + " ID",
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				id, err := strconv.ParseInt(args[0], 10, 64)
				if err != nil {
					return fmt.Errorf("user id must be a number, got %q", args[0])
				}
				a, err := openApp(cmd.Context(), cfg, false)
				if err != nil {
					return err
				}
				defer a.close()
				err = store.InTx(cmd.Context(), a.pool, func(tx pgx.Tx) error {
					u, err := store.UserUpdate(cmd.Context(), tx, id, store.UserChange{Disabled: &disabled})
					if err != nil {
						return err
					}
					return store.AuditRecord(cmd.Context(), tx, store.AuditEntry{Actor: "cli", Action: "user.update",
						Target: fmt.Sprintf("user %d", u.ID), Details: map[string]any{"disabled": disabled}})
				})
				if err != nil {
					return fmt.Errorf("%s user %d: %w", use, id, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "user %d %sd\n", id, use)
				return nil
			},
		}
	}
	root.AddCommand(create, list, setDisabled("disable", "Disable a user: sign-in refused, sessions ended, tokens stop working", true),
		setDisabled("enable", "Enable a disabled user", false))
	return root
}
