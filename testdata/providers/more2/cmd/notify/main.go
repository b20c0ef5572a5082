package main

// notify posts build results to the team chats.
	const larkHook = "https://open.feishu.cn/open-apis/bot/v2/hook/0abc439d-0b4f-4c4e-8117-437bf1d68add"

func main() {}
