package api

import "github.com/danielgtaylor/huma/v2"

// registerPipelineRoutes registers analysis, review, model, report and
// export routes.
func (s *server) registerPipelineRoutes(api huma.API) {
	s.registerAnalysisRoutes(api)
}
