package api

import (
	"github.com/danielgtaylor/huma/v2"

	"maps"
	"slices"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/webui"
)

// RolePublic marks a route anyone may call: no credentials needed.
const RolePublic store.Role = "public"

// Shorthands for the table below.
const (
	public  = RolePublic
	viewer  = store.RoleViewer
	analyst = store.RoleAnalyst
	admin   = store.RoleAdmin
)

// routeRoles states the minimum role of every route, keyed by method and
// chi route pattern ("*" for a handler that takes every method). A route
// missing here answers 500 and fails TestRouteRoles, so adding a route
// means adding its line here.
var routeRoles = map[string]store.Role{
	// Public: health, readiness, the web app's static shell, sign-in.
	"GET /health":                                         public,
	"GET /ready":                                          public,
	"* /":                                                 public,
	"* /assets/*":                                         public,
	"POST /api/v1/session":                                public,
	"DELETE /api/v1/session":                              public, // ends the caller's own session, if any
	"POST /api/v1/auth/login":                             public, // the browser extension's login
	"GET /api/v1/auth/verify":                             public, // answers {"valid": false} without credentials
	"GET /api/v1/me":                                      viewer,
	"PATCH /api/v1/me":                                    viewer, // one's own language
	"GET /metrics":                                        viewer,
	"GET /openapi.json":                                   viewer,
	"GET /openapi.yaml":                                   viewer,
	"GET /openapi-3.0.json":                               viewer,
	"GET /openapi-3.0.yaml":                               viewer,
	"GET /docs":                                           viewer,
	"GET /schemas/{schema}":                               viewer,
	"* /riverui":                                          admin,
	"* /riverui/*":                                        admin,
	"GET /api/v1/users":                                   admin,
	"POST /api/v1/users":                                  admin,
	"GET /api/v1/users/{id}":                              admin,
	"PATCH /api/v1/users/{id}":                            admin,
	"GET /api/v1/audit":                                   admin,
	"GET /api/v1/tokens":                                  viewer, // one's own; admins see all
	"POST /api/v1/tokens":                                 viewer, // a token with the caller's role
	"DELETE /api/v1/tokens/{id}":                          viewer, // one's own; admins any
	"GET /api/v1/products":                                viewer,
	"GET /api/v1/products/{id}":                           viewer,
	"DELETE /api/v1/products/{id}":                        analyst, // only a product without reviews
	"GET /api/v1/products/by-asin/{asin}":                 viewer,
	"GET /api/v1/products/{id}/reviews":                   viewer,
	"GET /api/v1/products/{id}/analysis":                  viewer,
	"GET /api/v1/products/{id}/model":                     viewer,
	"GET /api/v1/products/{id}/reports":                   viewer,
	"GET /api/v1/products/{id}/export.xlsx":               viewer,
	"GET /api/v1/products/{id}/uploads":                   viewer,
	"GET /api/v1/reports/{id}":                            viewer,
	"GET /api/v1/reports/{id}/markdown":                   viewer,
	"GET /api/v1/reports/{id}/html":                       viewer,
	"GET /api/v1/uploads/{id}":                            viewer,
	"POST /api/v1/uploads":                                analyst,
	"POST /api/v1/uploads/preview":                        analyst,
	"POST /api/v1/reviews/ingest":                         analyst,
	"POST /api/v1/reviews/ingest/queue":                   analyst,
	"POST /api/v1/products/{asin}/collection-complete":    analyst,
	"POST /api/v1/products/{asin}/start-analysis":         analyst,
	"POST /api/v1/analysis/projects":                      analyst,
	"POST /api/v1/products/{id}/rerun":                    analyst,
	"POST /api/v1/products/{id}/analyses":                 analyst,
	"PATCH /api/v1/reviews/{id}":                          analyst,
	"GET /api/v1/comparisons":                             viewer,
	"POST /api/v1/comparisons":                            analyst,
	"GET /api/v1/comparisons/{id}":                        viewer,
	"PATCH /api/v1/comparisons/{id}/alignment":            analyst,
	"POST /api/v1/comparisons/{id}/alignment/realign":     analyst,
	"GET /api/v1/comparisons/{id}/markdown":               viewer,
	"GET /api/v1/comparisons/{id}/html":                   viewer,
	"GET /api/v1/comparisons/{id}/pdf":                    viewer,
	"POST /api/v1/products/{id}/dimensions":               analyst,
	"PATCH /api/v1/products/{id}/dimensions/{dimID}":      analyst,
	"DELETE /api/v1/products/{id}/dimensions/{dimID}":     analyst,
	"POST /api/v1/products/{id}/dimensions/{dimID}/merge": analyst,
	"POST /api/v1/products/{id}/labels":                   analyst,
	"PATCH /api/v1/products/{id}/labels/{labelID}":        analyst,
	"DELETE /api/v1/products/{id}/labels/{labelID}":       analyst,
	"POST /api/v1/products/{id}/labels/{labelID}/merge":   analyst,
	"GET /share/{token}":                                  public, // the token is the credential (issue: share links)
	"GET /api/v1/queues":                                  admin,
	"POST /api/v1/queues/{name}/pause":                    admin,
	"POST /api/v1/queues/{name}/resume":                   admin,
	"GET /api/v1/hosts":                                   admin,
	"POST /api/v1/analyses/{id}/cancel":                   analyst,
	"POST /api/v1/analyses/{id}/retry-failed":             analyst,
	"POST /api/v1/analyses/{id}/reports":                  analyst,
	"DELETE /api/v1/reports/{id}":                         analyst,
	"GET /api/v1/reports/{id}/pdf":                        viewer,
	"POST /api/v1/reports/{id}/shares":                    analyst,
	"GET /api/v1/reports/{id}/shares":                     viewer,
	"DELETE /api/v1/shares/{id}":                          analyst,
	"POST /api/v1/products/{id}/model/language":           analyst,
	"GET /api/v1/reviews/{id}":                            viewer,
	"GET /api/v1/products/{id}/reviews/search":            viewer,
	"GET /api/v1/products/{id}/dashboard":                 viewer,
	"GET /api/v1/products/{id}/reviews/export.xlsx":       viewer,
}

// The web app's client-side routes answer with its static shell, which
// holds no data.
func init() {
	for _, p := range webui.AppRoutes {
		routeRoles["GET "+p] = public
	}
}

// MinimumRole returns the minimum role of a route, by method and chi
// pattern, and whether the route is in the table at all.
func MinimumRole(method, pattern string) (store.Role, bool) {
	if r, ok := routeRoles[method+" "+pattern]; ok {
		return r, true
	}
	r, ok := routeRoles["* "+pattern]
	return r, ok
}

// RouteRoles returns the table of minimum roles ("METHOD pattern" → role),
// sorted keys first; it is what TestRouteRoles walks.
func RouteRoles() (keys []string, roles map[string]store.Role) {
	return slices.Sorted(maps.Keys(routeRoles)), maps.Clone(routeRoles)
}

// documentRoles states each operation's minimum role in its OpenAPI
// description, from routeRoles.
func documentRoles(api huma.API) {
	oa := api.OpenAPI()
	for path, pi := range oa.Paths {
		for method, op := range map[string]*huma.Operation{"GET": pi.Get, "POST": pi.Post, "PUT": pi.Put, "PATCH": pi.Patch, "DELETE": pi.Delete} {
			if op == nil {
				continue
			}
			role, ok := MinimumRole(method, path)
			if !ok {
				continue
			}
			note := "Minimum role: **" + string(role) + "**."
			if role == RolePublic {
				note = "Minimum role: none (public)."
				op.Security = []map[string][]string{}
			}
			if op.Description != "" {
				note = op.Description + "\n\n" + note
			}
			op.Description = note
		}
	}
}
