// Starts Swagger UI on this server's OpenAPI document (kept out of the page so the strict CSP holds).
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
