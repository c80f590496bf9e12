package api

import "github.com/danielgtaylor/huma/v2"

// registerPipelineRoutes registers product, analysis, review, model,
// report and export routes.
func (s *server) registerPipelineRoutes(api huma.API) {
	s.registerProductRoutes(api)
	s.registerAnalysisRoutes(api)
	s.registerReviewRoutes(api)
	s.registerReviewSearchRoutes(api)
	s.registerModelRoutes(api)
	s.registerModelLanguageRoutes(api)
	s.registerReportRoutes(api)
	s.registerExportRoutes(api)
	s.registerExtensionRoutes(api)
	s.registerExtensionSearchRoutes(api)
	s.registerAnalysesRoutes(api)
	s.registerCurationRoutes(api)
	s.registerComparisonRoutes(api)
}
