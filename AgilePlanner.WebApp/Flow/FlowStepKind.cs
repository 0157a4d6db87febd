namespace AgilePlanner.WebApp.Flow;

public enum FlowStepKind
{
    Authorize,
    Callback,
    TokenRequest,
    TokenResponse,
    ApiCall,
    Refresh,
    Revocation,
    Failure,
    PushedAuthorization,
}
