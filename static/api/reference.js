// Starts Swagger UI on the API reference page (templates/api/reference.html). It is a file of
// its own, not an inline script, so that the page keeps the site's content security policy
// (script-src 'self').
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // The API is read-only: "Try it out" for GET only.
    supportedSubmitMethods: ["get"],
    // No request to swagger.io's online validator.
    validatorUrl: null,
  });
});
