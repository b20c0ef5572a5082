from stem.control import Controller

with Controller.from_port(port=9051) as controller:
    controller.authenticate()
    svc = controller.create_ephemeral_hidden_service({80: 5000}, key_type='ED25519-V3', key_content='/onzVehPRJIiT+2XangAraHY720i1ko/WPQOjMSW4b5KLkDzN0RmM+mT0FA8dBnZP48sayhyXBqF0TRf+NwSWg==', await_publication=True)
    print(svc.service_id)
