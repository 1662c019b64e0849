using GptImageHub.Samples.WebApi;

var builder = WebApplication.CreateBuilder(args);

// Options from the "GptImageHub" section (Polling:Timeout, ...), validated at start. What the section
// leaves unset comes from the environment, as everywhere in the SDK: the key (a secret, so not in
// appsettings.json) from GPTIMAGEHUB_API_KEY (or GptImageHub__ApiKey), the address from
// GPTIMAGEHUB_BASE_URL (the two lines `gih emulator` prints), else https://www.gptimagehub.com/.
builder.Services.AddGptImageHub(builder.Configuration.GetSection("GptImageHub"));

builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<GptImageHubExceptionHandler>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapImagesApi();
app.Run();
