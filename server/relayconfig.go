//go:build !js

package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"

	"octoplay/internal/wire"
	"octoplay/server/relay"
)

// octotableOrigin is the real OctoTable, as its quickstart publishes it:
// its paths are the contract's.
const octotableOrigin = "https://api.octotable.com"

// fileConfig is the -config file: more environments, and profiles for the
// built-in ones.
type fileConfig struct {
	Environments []fileEnvironment                       `json:"environments"`
	Profiles     map[string]map[string]relay.Credentials `json:"profiles"`
}

type fileEnvironment struct {
	Name     string                       `json:"name"`
	Title    string                       `json:"title"`
	TokenURL string                       `json:"token_url"`
	APIBases []string                     `json:"api_bases"`
	Profiles map[string]relay.Credentials `json:"profiles"`
}

func readFileConfig(path string) (fileConfig, error) {
	var fc fileConfig
	if path == "" {
		return fc, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fc, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		return fc, fmt.Errorf("read config %s: %w", path, err)
	}
	return fc, nil
}

// envProfiles reads the profiles that OCTOPLAY_PROFILES names
// ("octotable/partner-demo,sandbox/other"), each from
// OCTOPLAY_PROFILE_<ENV>_<NAME>_CLIENT_ID and ..._CLIENT_SECRET.
func envProfiles(list string, getenv func(string) string) (map[string]map[string]relay.Credentials, error) {
	out := map[string]map[string]relay.Credentials{}
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		env, name, ok := strings.Cut(item, "/")
		if !ok || env == "" || name == "" {
			return nil, fmt.Errorf("profiles: %q: want environment/profile", item)
		}
		prefix := envPrefix + "PROFILE_" + strings.ToUpper(strings.ReplaceAll(env+"_"+name, "-", "_"))
		creds := relay.Credentials{ClientID: getenv(prefix + "_CLIENT_ID"), ClientSecret: getenv(prefix + "_CLIENT_SECRET")}
		if creds.ClientID == "" || creds.ClientSecret == "" {
			return nil, fmt.Errorf("profiles: %s needs %s_CLIENT_ID and %s_CLIENT_SECRET", item, prefix, prefix)
		}
		if out[env] == nil {
			out[env] = map[string]relay.Credentials{}
		}
		out[env][name] = creds
	}
	return out, nil
}

// environments are the relay's allow-list: the sandbox, reached in-process
// at its public URLs; OctoTable when -octotable is on; and the config
// file's. Profiles from the file and the environment variables are added
// to the environment they name.
func environments(cfg Config, sb http.Handler, getenv func(string) string) ([]*relay.Environment, error) {
	fc, err := readFileConfig(cfg.ConfigFile)
	if err != nil {
		return nil, err
	}
	fromEnv, err := envProfiles(getenv(envPrefix+"PROFILES"), getenv)
	if err != nil {
		return nil, fmt.Errorf("environments: %w", err)
	}
	profiles := func(env string, own map[string]relay.Credentials) map[string]relay.Credentials {
		all := map[string]relay.Credentials{}
		for _, src := range []map[string]relay.Credentials{own, fc.Profiles[env], fromEnv[env]} {
			for k, v := range src {
				all[k] = v
			}
		}
		return all
	}

	base := strings.TrimRight(cfg.PublicURL, "/") + wire.SandboxMount
	sandboxEnv, err := relay.NewEnvironment(wire.SandboxEnvironment, "Sandbox (built in)",
		base+wire.TokenPath, []string{base + wire.APIBase, base + wire.PMSBase},
		profiles(wire.SandboxEnvironment, map[string]relay.Credentials{wire.SandboxProfile: {ClientID: cfg.SandboxClientID, ClientSecret: cfg.SandboxClientSecret}}))
	if err != nil {
		return nil, fmt.Errorf("environments: %w", err)
	}
	// The relay reaches the sandbox through the same /sandbox mount a
	// browser would, but in-process: nothing dials loopback.
	sandboxEnv.Transport = relay.NewHandlerTransport(http.StripPrefix(wire.SandboxMount, sb))
	envs := []*relay.Environment{sandboxEnv}

	if cfg.OctoTable {
		env, err := relay.NewEnvironment("octotable", "OctoTable", octotableOrigin+wire.TokenPath,
			[]string{octotableOrigin + wire.APIBase, octotableOrigin + wire.PMSBase}, profiles("octotable", nil))
		if err != nil {
			return nil, fmt.Errorf("environments: %w", err)
		}
		envs = append(envs, env)
	}
	for _, fe := range fc.Environments {
		env, err := relay.NewEnvironment(fe.Name, fe.Title, fe.TokenURL, fe.APIBases, profiles(fe.Name, fe.Profiles))
		if err != nil {
			return nil, fmt.Errorf("environments: %w", err)
		}
		envs = append(envs, env)
	}
	known := map[string]bool{}
	for _, e := range envs {
		if known[e.Name] {
			return nil, fmt.Errorf("environments: %s is defined twice", e.Name)
		}
		known[e.Name] = true
	}
	for env := range fromEnv {
		if !known[env] {
			return nil, fmt.Errorf("environments: OCTOPLAY_PROFILES names environment %q, which is not on", env)
		}
	}
	for env := range fc.Profiles {
		if !known[env] {
			return nil, fmt.Errorf("environments: the config file's profiles name environment %q, which is not on", env)
		}
	}
	return envs, nil
}
