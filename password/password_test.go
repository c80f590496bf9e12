package password

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHashVerify(t *testing.T) {
	t.Parallel()
	h := Hash("correct horse battery")
	require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$"), h)
	require.NotEqual(t, h, Hash("correct horse battery"), "salts differ")
	ok, err := Verify("correct horse battery", h)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = Verify("correct horse batterz", h)
	require.NoError(t, err)
	require.False(t, ok)
	for _, bad := range []string{"", "$2a$10$abc", "$argon2id$v=19$m=1,t=1,p=1$!!$AAAA", "$argon2id$v=18$m=1,t=1,p=1$AAAA$AAAA"} {
		_, err := Verify("x", bad)
		require.ErrorIs(t, err, ErrMalformed, bad)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	require.Error(t, Check("short"))
	require.Error(t, Check(strings.Repeat("x", MaxLength+1)))
	require.Error(t, Check("\xff\xfe invalid utf8"))
	require.NoError(t, Check("ten chars!"))
}
