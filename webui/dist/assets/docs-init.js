// Starts swagger-ui (served from this binary) on the server's OpenAPI
// document. The session cookie authenticates the fetch.
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
