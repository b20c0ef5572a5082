// Browser-agent worker: every key here should come from the environment instead.
import Together from "together-ai";
import Exa from "exa-js";

const openai = new OpenAI({ apiKey: "sk-None-rOlRkP-qkYr06jzcz6OZP3oghhH8WAYmIh61mGyMT3BlbkFJe-ubJaOrzmS3vO6oY4LO5XFaSYKmWuQoIWSL3vv3" });
const together = new Together({ apiKey: "tgp_v1_scUFK2FNPcpJpm2f-MFNEB_stvx5-Q36TjCF8Kk_8n8" });
const voice = new ElevenLabsClient({ apiKey: "sk_e4635704f565a4af6a0a62adf11c75532de8d09cc34f743f" });
  secretKey: "sk-lf-5f74e710-5a75-4c72-938c-3d3e3899aa7b",
const firecrawl = new Firecrawl({ apiKey: "fc-d58a069653a6e035d5a800f9efcfda6a" });
const exa = new Exa("ebd016d2-286d-485d-bf56-0fe1573e350f");
const fromEnv = new Together({ apiKey: process.env.TOGETHER_API_KEY });
const publicKey = "pk-lf-07521ca5-0305-472e-b09e-1c5eb0e1882a";
