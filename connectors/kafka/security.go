package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/weir-stream/weir/connectors"
)

// parseSecurity reads 'properties.security.protocol' and the SSL and SASL
// properties it calls for. Files are read here, so a missing or bad PEM
// file is reported before anything starts.
func (c *clientConfig) parseSecurity(props map[string]string) error {
	proto := strings.ToUpper(strings.TrimSpace(props[propProtocol]))
	if proto == "" {
		proto = "PLAINTEXT"
	}
	var useTLS, useSASL bool
	switch proto {
	case "PLAINTEXT":
	case "SSL":
		useTLS = true
	case "SASL_PLAINTEXT":
		useSASL = true
	case "SASL_SSL":
		useTLS, useSASL = true, true
	default:
		return connectors.Optionf(propProtocol, "unsupported value '%s'; accepted: 'PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'", props[propProtocol])
	}
	if !useSASL {
		for _, k := range []string{propMechanism, propJAAS, propUsername, propPassword} {
			if _, ok := props[k]; ok {
				return connectors.Optionf(k, "needs 'properties.security.protocol' = 'SASL_PLAINTEXT' or 'SASL_SSL' (it is '%s')", proto)
			}
		}
	}
	if !useTLS {
		for _, k := range []string{propCA, propCert, propKey, propEndpointID} {
			if _, ok := props[k]; ok {
				return connectors.Optionf(k, "needs 'properties.security.protocol' = 'SSL' or 'SASL_SSL' (it is '%s')", proto)
			}
		}
	}
	if useTLS {
		cfg, err := tlsConfig(props)
		if err != nil {
			return err
		}
		c.tls = cfg
	}
	if useSASL {
		return c.parseSASL(props)
	}
	return nil
}

func (c *clientConfig) parseSASL(props map[string]string) error {
	user, pass := props[propUsername], props[propPassword]
	_, hasUser := props[propUsername]
	_, hasPass := props[propPassword]
	if jaas, ok := props[propJAAS]; ok {
		if hasUser || hasPass {
			return connectors.Optionf(propJAAS, "set either '%s' or '%s'/'%s', not both", propJAAS, propUsername, propPassword)
		}
		kv, err := parseJAAS(jaas)
		if err != nil {
			return connectors.Optionf(propJAAS, "%v", err)
		}
		user, hasUser = kv["username"]
		pass, hasPass = kv["password"]
		if !hasUser || !hasPass {
			return connectors.Optionf(propJAAS, `want username="..." password="..." in the login module options`)
		}
	} else if !hasUser || !hasPass {
		return connectors.Optionf(propUsername, "SASL needs credentials: '%s' and '%s', or '%s'", propUsername, propPassword, propJAAS)
	}
	switch m := strings.ToUpper(strings.TrimSpace(props[propMechanism])); m {
	case "", "PLAIN":
		c.sasl = plain.Auth{User: user, Pass: pass}.AsMechanism()
	case "SCRAM-SHA-256":
		c.sasl = scram.Auth{User: user, Pass: pass}.AsSha256Mechanism()
	case "SCRAM-SHA-512":
		c.sasl = scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()
	default:
		return connectors.Optionf(propMechanism, "unsupported value '%s'; accepted: 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'", props[propMechanism])
	}
	return nil
}

// parseJAAS reads the options of a JAAS login module entry as Flink users
// write it, e.g. `org.apache.kafka.common.security.plain.PlainLoginModule
// required username="u" password="p";`. Values may be quoted (with \"
// and \\ escapes) or bare words.
func parseJAAS(s string) (map[string]string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ";")
	fields := strings.Fields(s)
	if len(fields) < 2 {
		return nil, errors.New(`want '<LoginModule class> required username="..." password="...";'`)
	}
	// Skip the class name and the control flag.
	i := strings.Index(s, fields[1]) + len(fields[1])
	out := map[string]string{}
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
		if i >= len(s) {
			return out, nil
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			return nil, fmt.Errorf("expected name=value at %q", s[i:])
		}
		name := strings.TrimSpace(s[i : i+eq])
		if name == "" || strings.ContainsAny(name, " \t\"") {
			return nil, fmt.Errorf("bad option name %q", name)
		}
		i += eq + 1
		var val strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			closed := false
			for i < len(s) {
				ch := s[i]
				if ch == '\\' && i+1 < len(s) {
					val.WriteByte(s[i+1])
					i += 2
					continue
				}
				i++
				if ch == '"' {
					closed = true
					break
				}
				val.WriteByte(ch)
			}
			if !closed {
				return nil, fmt.Errorf("unterminated quoted value of '%s'", name)
			}
		} else {
			for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' {
				val.WriteByte(s[i])
				i++
			}
		}
		out[name] = val.String()
	}
}

// tlsConfig builds the client's TLS settings from the PEM files named by
// the ssl properties. Without a CA file the system roots are used. An
// empty 'ssl.endpoint.identification.algorithm' keeps verifying the
// broker's certificate chain but not its host name, as the Java client
// does.
func tlsConfig(props map[string]string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if path, ok := props[propCA]; ok {
		pem, err := os.ReadFile(strings.TrimSpace(path))
		if err != nil {
			return nil, connectors.Optionf(propCA, "%v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, connectors.Optionf(propCA, "no PEM certificate in %s", path)
		}
		cfg.RootCAs = pool
	}
	certPath, hasCert := props[propCert]
	keyPath, hasKey := props[propKey]
	switch {
	case hasCert && !hasKey:
		return nil, connectors.Optionf(propKey, "required with '%s': the client's private key (PEM)", propCert)
	case hasKey && !hasCert:
		return nil, connectors.Optionf(propCert, "required with '%s': the client's certificate (PEM)", propKey)
	case hasCert:
		pair, err := tls.LoadX509KeyPair(strings.TrimSpace(certPath), strings.TrimSpace(keyPath))
		if err != nil {
			return nil, connectors.Optionf(propCert, "loading the client certificate and key: %v", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if alg, ok := props[propEndpointID]; ok {
		switch strings.ToLower(strings.TrimSpace(alg)) {
		case "https":
		case "":
			roots := cfg.RootCAs
			cfg.InsecureSkipVerify = true // the chain is still verified below
			cfg.VerifyConnection = func(cs tls.ConnectionState) error {
				return verifyChain(cs, roots)
			}
		default:
			return nil, connectors.Optionf(propEndpointID, "unsupported value '%s'; accepted: 'https' or '' (no host name check)", alg)
		}
	}
	return cfg, nil
}

// verifyChain checks the peer's certificate chain against roots (nil:
// the system's) without checking the host name.
func verifyChain(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("kafka: the broker sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
	if err != nil {
		return fmt.Errorf("kafka: verifying the broker's certificate: %w", err)
	}
	return nil
}
