using System.Net;

namespace Acme.Shares
{
    public class ShareClient
    {
        public ICredentials Credentials(string user, string password) =>
            new NetworkCredential(user, password);

        public ICredentials Service() => new NetworkCredential("svc-share", "mpums", "CORP");
        const string Db = "Server=sql01;Database=shares;User Id=share;Password=rfczoyi;";
        const string Template = "Server={0};Database=shares;User Id={1};Password={2};";
    }
}
