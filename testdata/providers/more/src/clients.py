"""Clients for the third-party services the pipeline talks to."""
import os

client = Duffel(access_token='duffel_test_PLO8PJUL9Rpvh-AzCiYGZxBIuXoh2eQB2vtSmcnqgkA')
resend.api_key = "re_jZhNXC2c_QyvO7ngrlJtnURokMec1VCKj"
polar = Polar(access_token="polar_pat_3j9v0NgDi1pJWxA0hD4hwhFBGcg7HhJZ9MlZpx4ukOF")
stytch.Client(project_id='project-test-6654bc82-0f17-4eb0-8412-4ffecc56fd16', secret='secret-test-HRRvlZ99Iv-UjyjFYMdtQRs7WXhQlgjfM06=')
paddle = Client("pdl_sdbx_apikey_01gvpzc1sjna4mdh23ylrg0gk7_eWPPAfBXL0C3LGGJUEVFUH_6JK", options=Options(Environment.SANDBOX))
os.environ['CLOUDINARY_URL'] = 'cloudinary://037399156465958:BbzwQxFHSP61pWSYXpTKVgKqaLg@kiryhwrl'
client_secret = "mdb_sa_sk_0ihwj01IPDq0Ijd4R5tflsUemnrZQEBJhCH7wlbi"
config = PangeaConfig(domain="aws.us.pangea.cloud"); token = "pts_p54frgiuhdugo4b6bpfxmkqmi7bog3ef"
flagsmith = Flagsmith(environment_key="ser.ZYhPMZXbf4BC3tgczdps2m")
key = "EXOf1c3efbf0f25c7f2ef137b01"
konnect_access_token = "spat_H0Sg4an6mOjAWp0OEpk3kFAyNx9rrfAyAGHBaJCFTliq3XQSG"
client = FrameioClient("fio-u-dMtrTyguGqh0PeqJ0WXsFH7iuiUQdaZMlg8VW5e6cV6SfwztEFho4J5I_KECfwMS")
client = OpenAI(base_url="https://integrate.api.nvidia.com/v1", api_key="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")
client = MemoryClient(api_key="m0-tESQfrpDMGxOqKBtixhfc8ws9ArENZ8wo2td3lDD")
client = ApifyClient("apify_api_gGAjA9wgTcY146lOHIYfC0mkm6CPLpKMRvGD")
