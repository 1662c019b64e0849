using System.Reflection;
using System.Runtime.CompilerServices;
using GptImageHub.Sdk.Serialization;

namespace GptImageHub.Sdk.Tests.Conventions;

/// <summary>Rules every public type of the SDK keeps, checked by reflection so a new type cannot quietly break them.</summary>
public sealed class PublicApiConventionTests
{
    private static readonly Assembly Sdk = typeof(GptImageHubClient).Assembly;

    public static TheoryData<string> PublicTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in Sdk.GetExportedTypes().OrderBy(t => t.FullName))
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    private static Type Find(string name) => Sdk.GetType(name, throwOnError: true)!;

    [Theory]
    [MemberData(nameof(PublicTypes))]
    public void Every_public_class_is_sealed_static_or_designed_for_extension(string name)
    {
        var type = Find(name);
        if (!type.IsClass || type.IsSealed || type.IsAbstract)
        {
            return;
        }

        // The two bases of the exception family are the only classes meant to be derived from.
        Assert.Contains(type, new[] { typeof(GptImageHubException), typeof(UnauthorizedException) });
    }

    [Theory]
    [MemberData(nameof(PublicTypes))]
    public void Every_exception_belongs_to_the_GptImageHubException_family_or_is_a_cancellation(string name)
    {
        var type = Find(name);
        if (!typeof(Exception).IsAssignableFrom(type))
        {
            return;
        }

        Assert.True(
            typeof(GptImageHubException).IsAssignableFrom(type) || typeof(OperationCanceledException).IsAssignableFrom(type),
            $"{type.Name} is outside the exception family");
    }

    [Theory]
    [MemberData(nameof(PublicTypes))]
    public void Every_service_exception_has_the_same_four_constructors_and_its_own_data_as_init_properties(string name)
    {
        var type = Find(name);
        if (!typeof(GptImageHubException).IsAssignableFrom(type))
        {
            return;
        }

        Type[][] shape =
        [
            [],
            [typeof(string)],
            [typeof(string), typeof(Exception)],
            [typeof(string), typeof(System.Net.HttpStatusCode?), typeof(string), typeof(string), typeof(Exception)],
        ];
        Assert.Equal(
            shape.Select(Describe).OrderBy(s => s),
            type.GetConstructors().Select(c => Describe(c.GetParameters().Select(p => p.ParameterType).ToArray())).OrderBy(s => s));

        // Whatever a type adds is set while it is built (an init accessor) and never changed after the throw.
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        {
            Assert.True(
                property.SetMethod is not { IsPublic: true } setter || setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)),
                $"{type.Name}.{property.Name} has a public setter that is not init-only.");
        }

        static string Describe(Type[] parameters) => string.Join(", ", parameters.Select(p => p.Name));
    }

    [Fact]
    public void No_public_constructor_takes_a_first_string_that_is_not_the_message()
    {
        foreach (var type in Sdk.GetExportedTypes().Where(t => typeof(Exception).IsAssignableFrom(t)))
        {
            foreach (var constructor in type.GetConstructors())
            {
                var first = constructor.GetParameters().FirstOrDefault();
                Assert.True(first is null || first.ParameterType != typeof(string) || first.Name == "message", $"{type.Name}({first?.Name}, ...)");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PublicTypes))]
    public void Every_public_async_method_takes_a_CancellationToken(string name)
    {
        var type = Find(name);
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        {
            var returns = method.ReturnType;
            var isAsync = typeof(Task).IsAssignableFrom(returns)
                || (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>));
            if (isAsync)
            {
                Assert.True(
                    method.GetParameters().Any(p => p.ParameterType == typeof(CancellationToken)),
                    $"{type.Name}.{method.Name} has no CancellationToken");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PublicTypes))]
    public void Response_records_have_no_public_setters_and_read_only_collections(string name)
    {
        var type = Find(name);
        var isResponse = type.GetMethod("<Clone>$") is not null && type != typeof(ImageGenerationRequest) && type != typeof(BatchItem);
        if (!isResponse)
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var setter = property.SetMethod;
            if (setter is { IsPublic: true })
            {
                Assert.True(
                    setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)),
                    $"{type.Name}.{property.Name} has a public setter that is not init-only");
            }

            var propertyType = property.PropertyType;
            if (propertyType.IsGenericType && propertyType != typeof(string))
            {
                var definition = propertyType.GetGenericTypeDefinition();
                Assert.True(
                    definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(Nullable<>),
                    $"{type.Name}.{property.Name} is a {propertyType.Name}, not a read-only collection");
            }
        }
    }

    [Fact]
    public void Every_response_model_is_registered_in_the_source_generated_JSON_context()
    {
        // A response model is a public type that keeps the answer's unknown fields.
        var models = Sdk.GetExportedTypes()
            .Where(t => t.GetProperty("AdditionalProperties")?.PropertyType == typeof(IReadOnlyDictionary<string, System.Text.Json.JsonElement>))
            .ToList();

        Assert.NotEmpty(models);
        Assert.All(models, model => Assert.NotNull(GptImageHubJsonContext.Default.GetTypeInfo(model)));
    }

    [Fact]
    public void Every_extensible_enum_follows_one_template()
    {
        // An extensible enum is a public value type that converts from any string the service sends.
        var enums = Sdk.GetExportedTypes().Where(t => t.IsValueType && t.GetMethod("op_Implicit", [typeof(string)]) is not null).ToList();
        Assert.Contains(typeof(GenerationStatus), enums);
        foreach (var type in enums)
        {
            Assert.True(type.IsValueType, type.Name);
            Assert.Single(type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public), f => f.FieldType == typeof(string));
            Assert.NotNull(type.GetMethod("op_Implicit", [typeof(string)]));
            Assert.Equal(string.Empty, Activator.CreateInstance(type)!.ToString());
        }
    }
}
