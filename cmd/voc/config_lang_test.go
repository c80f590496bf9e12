package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDefaultTargetLanguage(t *testing.T) {
	t.Setenv("VOC_DEFAULT_TARGET_LANGUAGE", "de")
	lang, err := defaultConfig().defaultTargetLanguage()
	require.NoError(t, err)
	require.Equal(t, "de", lang)

	t.Setenv("VOC_DEFAULT_TARGET_LANGUAGE", "")
	lang, err = defaultConfig().defaultTargetLanguage()
	require.NoError(t, err)
	require.Empty(t, lang, "unset: the API falls back to en")

	t.Setenv("VOC_DEFAULT_TARGET_LANGUAGE", "German")
	_, err = defaultConfig().defaultTargetLanguage()
	require.ErrorContains(t, err, "VOC_DEFAULT_TARGET_LANGUAGE")
}
