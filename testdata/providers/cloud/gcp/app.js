// Web client bootstrap
import { initializeApp } from "firebase/app";
import { GoogleGenAI } from "@google/genai";

const firebaseConfig = {
  apiKey: "AIzaSyrmxOyG85JWCo1jVDMIECkQIPuKB4txQWN",
  authDomain: "acme-web.firebaseapp.com",
  projectId: "acme-web",
};

export const app = initializeApp(firebaseConfig);
export const ai = new GoogleGenAI({ apiKey: "AQ.Ab8RN6cPAG_XYWwHBNqBwJWjtRbgvkprNWWjIUlWjfppoVDURS" });

// Legacy push notifications (server key; do not ship)
const FCM_SERVER_KEY = "AAAAunMJY0M:APA91bBN0KRcZVKjUWt87ZAXsInOc_q3G3BktOAVDrY6Fw2r_F4hI1fsV5v3eqd9hKzSJZCZDxIJ-SDqq6Nr5a00CQiZPRVk3qN2Ect2xqsM80t6tGWIedapPhnvUyhCDd1RrdVxgv1X";
// near misses
const PLACEHOLDER_KEY = "AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
const TRUNCATED = "AQ.Ab8RN6L...";
