# The web app with its built-in sandbox, as one container: http://localhost:8080, data in the /data volume.
#   docker build -t agileplanner .
#   docker run --rm -p 8080:8080 -v agileplanner-data:/data agileplanner
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled

FROM ${SDK_IMAGE} AS build
# Set by the builder (amd64, arm64); publishing for it alone leaves out SQLite's native libraries for other platforms.
ARG TARGETARCH
WORKDIR /src

# Restore as its own layer: it is rebuilt only when a project file or a package version changes.
# Only the web app and the packages it is built on are restored; the tests and the sample stay out of the image.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY AgilePlanner.Api/AgilePlanner.Api.csproj AgilePlanner.Api/
COPY AgilePlanner.AspNetCore/AgilePlanner.AspNetCore.csproj AgilePlanner.AspNetCore/
COPY AgilePlanner.WebApp/AgilePlanner.WebApp.csproj AgilePlanner.WebApp/
COPY AgilePlanner.Sandbox/AgilePlanner.Sandbox.csproj AgilePlanner.Sandbox/
RUN arch=${TARGETARCH:-$(uname -m | sed 's/x86_64/amd64/;s/aarch64/arm64/')} \
    && dotnet restore AgilePlanner.WebApp/AgilePlanner.WebApp.csproj --arch "$arch"

COPY Shared/ Shared/
COPY AgilePlanner.Api/ AgilePlanner.Api/
COPY AgilePlanner.AspNetCore/ AgilePlanner.AspNetCore/
COPY AgilePlanner.Sandbox/ AgilePlanner.Sandbox/
COPY AgilePlanner.WebApp/ AgilePlanner.WebApp/
RUN arch=${TARGETARCH:-$(uname -m | sed 's/x86_64/amd64/;s/aarch64/arm64/')} \
    && dotnet publish AgilePlanner.WebApp/AgilePlanner.WebApp.csproj --configuration Release --no-restore \
        --arch "$arch" --self-contained false --output /app -p:UseAppHost=false \
    # The chiseled runtime has no shell to create /data with, so it is made here and copied with its owner.
    && mkdir -p /rootfs/data

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./
# Owned by the non-root user, so both an unmounted /data and a new named volume (which copies it) are writable.
COPY --from=build --chown=1654:1654 /rootfs/ /

ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    DataDirectory=/data
VOLUME /data
EXPOSE 8080
USER 1654
ENTRYPOINT ["dotnet", "AgilePlanner.WebApp.dll"]
