using GptImageHub.Samples.WebApi;

var builder = WebApplication.CreateBuilder(args);

// Options from the "GptImageHub" section (BaseAddress, Polling:Timeout, ...), validated at start.
// The key is a secret, so it is not in appsettings.json: set GptImageHub__ApiKey (or GPTIMAGEHUB_API_KEY).
builder.Services.AddGptImageHub(builder.Configuration.GetSection("GptImageHub"));

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<GptImageHubExceptionHandler>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapImagesApi();
app.Run();
