// Records what ksonnet's native functions return, run through the Go libraries ksonnet
// called (regexp, encoding/json, k8s.io/apimachinery's YAML-to-JSON decoder), so kfkit's
// Python natives can be tested against them.
//
// Usage (re-records every case; add a case as {"native": …, "args": […]}):
//
//	go run . < ../go-recorded.json > /tmp/recorded.json && mv /tmp/recorded.json ../go-recorded.json
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

type testCase struct {
	Native string   `json:"native"`
	Args   []string `json:"args"`
}

type recorded struct {
	Native string      `json:"native"`
	Args   []string    `json:"args"`
	Value  interface{} `json:"value,omitempty"`
	Error  string      `json:"error,omitempty"`
	Null   bool        `json:"null,omitempty"`
}

func call(c testCase) (interface{}, error) {
	switch c.Native {
	case "parseJson":
		var res interface{}
		err := json.Unmarshal([]byte(c.Args[0]), &res)
		return res, err
	case "parseYaml":
		ret := []interface{}{}
		d := utilyaml.NewYAMLToJSONDecoder(bytes.NewReader([]byte(c.Args[0])))
		for {
			var doc interface{}
			if err := d.Decode(&doc); err != nil {
				if err == io.EOF {
					break
				}
				return nil, err
			}
			ret = append(ret, doc)
		}
		return ret, nil
	case "escapeStringRegex":
		return regexp.QuoteMeta(c.Args[0]), nil
	case "regexMatch":
		return regexp.MatchString(c.Args[0], c.Args[1])
	case "regexSubst":
		r, err := regexp.Compile(c.Args[0])
		if err != nil {
			return nil, err
		}
		return r.ReplaceAllString(c.Args[1], c.Args[2]), nil
	}
	return nil, fmt.Errorf("unknown native %q", c.Native)
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	out := []recorded{}
	for _, c := range cases {
		r := recorded{Native: c.Native, Args: c.Args}
		v, err := call(c)
		if err == nil {
			// The engine receives the value as JSON: what does not marshal fails there.
			if _, err = json.Marshal(v); err == nil {
				r.Value = v
				r.Null = v == nil
			}
		}
		if err != nil {
			r.Error = err.Error()
		}
		out = append(out, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	fmt.Fprintf(os.Stderr, "recorded %d cases with %s\n", len(out), runtime.Version())
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
